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
 * <h2>Expand–contract, the seeds' {@code phone} column</h2>
 * Blue serves v1, {@code users(id, name, email)}; v2 adds {@code phone}.
 * <ol>
 *   <li><b>Expand.</b> Green is provisioned with v2 by the app's migrations:
 *       {@code users(id, name, email, phone)}, {@code phone} nullable or with a default, so rows
 *       written by v1 code remain valid. If phones written on green must survive a rollback, expand
 *       blue too (add the same nullable column there); then the mapping is the identity.</li>
 *   <li><b>Map.</b> <pre>{@code
 * TableMapping users = Transforms.forTable("users").key("id")
 *         .addComputedColumn("phone", row -> null)   // or a value derived from the row
 *         .build();
 * }</pre></li>
 *   <li><b>Check.</b> {@code Transforms.checkSchema(users, blueUsers, greenUsers)},
 *       {@code Transforms.checkSchema(users.reverse(), greenUsers, blueUsers)} and
 *       {@code Transforms.checkRoundTrip(users, sampleOfBlue, LossyReverse.REFUSE)}. Note that
 *       {@code users.reverse().lossyColumns()} names {@code phone}: blue v1 cannot hold it.</li>
 *   <li><b>Cut over.</b> The forward stream applies {@code users}, the reverse stream after the
 *       flip applies {@code users.reverse()}; v2 code on green starts writing phones.</li>
 *   <li><b>Contract.</b> Once rollback is no longer wanted, stop the reverse stream; only then
 *       tighten green (for example {@code phone NOT NULL}) and drop what v2 no longer uses.</li>
 * </ol>
 *
 * <p>Thread safety: every type here is immutable or stateless, except
 * {@link io.cutover.transform.TableMappingBuilder}, which is used on one thread.
 */
package io.cutover.transform;
