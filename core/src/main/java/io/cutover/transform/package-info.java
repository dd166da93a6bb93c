/**
 * Schema change across a cutover: per-table {@link io.cutover.transform.TableMapping}s from the
 * source's schema to the target's (v1 to v2), their derived reverses for the reverse stream (v2 to
 * v1, so a rollback loses nothing the reverse can hold), and the checks that run before anything
 * else: the mappings against both real schemas, and forward-then-reverse on sample rows. Start at
 * {@link io.cutover.transform.Transforms}.
 *
 * <p>Cutover never issues DDL on the application's tables: the target's schema is made by the
 * application's own migrations (Flyway, Liquibase, plain SQL), and the schema check says what is
 * missing and how to fix it.
 *
 * <h2>Checked against the real databases</h2>
 * {@link io.cutover.transform.JdbcSchemas} reads tables' columns, types, nullability, defaults and
 * primary keys over JDBC (PostgreSQL, MySQL, MariaDB). {@link io.cutover.transform.MappingCheck}
 * runs every check against two DataSources: each mapping against the target's schema, its reverse
 * against the source's, and the round trip on up to 1,000 rows {@code SELECT}ed from each source
 * table. Wrapped around a dialect's link ({@link io.cutover.transform.MappingCheck#around} or
 * {@link io.cutover.transform.Transforms#checked}), it runs in the cutover's preflight, before a
 * single write is paused; one {@link io.cutover.PreflightException} lists the link's problems and
 * the mappings' together. A lossy reverse is refused unless accepted, and what was accepted lands
 * in {@link io.cutover.CutoverResult#checks()}. The reverse link the cutover prepares is wrapped
 * the same way, with the reversed mappings and the rollback's policy.
 *
 * <h2>Expand–contract, the seeds' {@code phone} column</h2>
 * Blue serves v1, {@code users(id, name, email)}; v2 adds {@code phone}.
 * <ol>
 *   <li><b>Expand.</b> Green is provisioned with v2 by the app's migrations:
 *       {@code users(id, name, email, phone)}. If phones written on green must survive a rollback,
 *       expand blue too (add the same nullable column there); then the mapping is the identity.</li>
 *   <li><b>Map.</b> <pre>{@code
 * TableMapping users = Transforms.forTable("users").key("id")
 *         .addComputedColumn("phone", row -> defaultPhone(row))   // or a constant with addColumn
 *         .build();
 * }</pre></li>
 *   <li><b>Wire and check.</b> The dialect applies the mapping and its reverse; the check wraps the
 *       link so the cutover's preflight runs it: <pre>{@code
 * ReplicationLink link = MappingCheck.of(List.of(users))
 *         .lossyRollback(LossyReverse.ACCEPT)   // v1 cannot hold phone: a rollback drops it, recorded
 *         .around(PostgresCutover.builder()
 *                 .blue(...).green(...).tables("users")
 *                 .transform("users", users, users.reverse())
 *                 .build(), bluePool, greenPool);
 * MappingCheck.of(List.of(users)).run(bluePool, greenPool);   // or on its own, before streaming
 * link.stream().start();
 * }</pre></li>
 *   <li><b>Cut over.</b> {@code Cutover.builder().switcher(switcher).link(link).build().execute()}:
 *       the forward stream applies {@code users}, the reverse stream after the flip applies
 *       {@code users.reverse()}; v2 code on green starts writing phones. A rollback is a cutover
 *       over {@code cutover.reverseLink()}, checked with the reversed mapping.</li>
 *   <li><b>Contract.</b> Once rollback is no longer wanted, close the reverse link; only then
 *       tighten green (for example {@code phone NOT NULL} without a default) and drop what v2 no
 *       longer uses.</li>
 * </ol>
 *
 * <p>The dialects replicate the same table names on both sides: a mapping that renames a table
 * ({@code renameTable}) is checked and applied by this package, but the dialect links cannot yet
 * capture the renamed table on the reverse side.
 *
 * <p>Thread safety: every type here is immutable or stateless, except
 * {@link io.cutover.transform.TableMappingBuilder}, which is used on one thread.
 */
package io.cutover.transform;
