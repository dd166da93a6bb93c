package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ConnectionSwitcher;
import io.cutover.ReplicationLink;
import io.cutover.RowDiff;
import io.cutover.Side;
import io.cutover.TableDiff;
import io.cutover.VerifyOptions;
import io.cutover.VerifyReport;
import io.cutover.contract.SchemaChangeWriters;
import io.cutover.transform.TableMapping;
import io.cutover.transform.Transforms;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplicationLink#verify(VerifyOptions)} on real servers, written once for every dialect:
 * differences written on green directly (the stream does not touch those rows again) are found
 * with their keys, writers running flat out through the switcher during the run cause no false
 * difference, and a v1 -> v2 transform verifies clean. A dialect's {@code VerifyIT} extends it.
 */
public abstract class VerifyScenario {
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final int SEEDED = 3000;
    private static final int BUSY_SEEDED = 20_000;

    /**
     * Gives the test that calls it empty schemas on both sides.
     *
     * @param name unique within the class
     * @return the sides
     */
    protected abstract Sides freshSides(String name);

    /** The dialect's short text column type. */
    protected abstract String textType();

    /**
     * The dialect's {@code items} table: {@code id BIGINT} primary key, {@code name} text,
     * {@code amount} a decimal with scale 2, {@code at} a timestamp with microseconds, {@code data}
     * bytes, {@code flag} a boolean, as the dialect's other ITs declare them.
     */
    protected abstract String itemsDdl();

    private static void seedItems(DataSource ds, long from, long to) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, amount, at, data, flag)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (long i = from; i <= to; i++) {
                bindItem(ps, i, "item " + i);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("seeding items: " + e.getMessage(), e);
        }
    }

    private static void bindItem(PreparedStatement ps, long id, String name) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, name);
        ps.setBigDecimal(3, BigDecimal.valueOf(id * 101 % 100_000, 2));
        ps.setObject(4, LocalDateTime.of(2026, 1, 1, 0, 0).plusSeconds(id).plusNanos(id % 1000 * 1000));
        ps.setBytes(5, new byte[] {(byte) id, (byte) (id >> 8), 0, (byte) 0xff});
        ps.setBoolean(6, id % 3 == 0);
    }

    private static void run(DataSource ds, String sql, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private ReplicationLink streamingItems(Sides sides, String name, int rows) {
        sides.exec(Side.BLUE, itemsDdl());
        sides.exec(Side.GREEN, itemsDdl());
        seedItems(sides.app(Side.BLUE), 1, rows);
        ReplicationLink link = sides.link(name, "items").build();
        link.stream().start();
        link.stream().awaitFence(CATCH_UP);
        return link;
    }

    @Test
    void rowsDeletedChangedAndAddedOnGreen_areReportedWithTheirKeys_andNothingElse() {
        Sides sides = freshSides("v_injected");
        ReplicationLink link = streamingItems(sides, "v_injected", SEEDED);
        try {
            assertThat(link.verify(VerifyOptions.defaults().withChunkSize(500)).isClean()).isTrue();

            DataSource green = sides.app(Side.GREEN);
            run(green, "DELETE FROM items WHERE id = ?", 17L);
            run(green, "UPDATE items SET name = ? WHERE id = ?", "changed on green", 1500L);
            run(green, "UPDATE items SET amount = ? WHERE id = ?", new BigDecimal("0.01"), 2999L);
            run(green, "INSERT INTO items (id, name, amount, at, data, flag) VALUES (?, ?, ?, ?, ?, ?)", 1_000_000L,
                    "only on green", BigDecimal.ONE, LocalDateTime.of(2026, 1, 1, 0, 0), new byte[] {1}, true);
            // A change on blue the stream carries is not a difference.
            run(sides.app(Side.BLUE), "UPDATE items SET name = ? WHERE id = ?", "changed on blue", 2000L);

            VerifyReport report = link.verify(VerifyOptions.defaults().withChunkSize(500));

            assertThat(report.isClean()).isFalse();
            assertThat(report.rowsCompared()).isEqualTo(SEEDED);
            TableDiff items = report.tables().get(0);
            assertThat(items.differences()).isEqualTo(4);
            assertThat(items.reported()).extracting(RowDiff::kind, d -> ((Number) d.key().get("id")).longValue(),
                    RowDiff::columns).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(RowDiff.Kind.MISSING_ON_TARGET, 17L, List.of()),
                    org.assertj.core.groups.Tuple.tuple(RowDiff.Kind.DIFFERING, 1500L, List.of("name")),
                    org.assertj.core.groups.Tuple.tuple(RowDiff.Kind.DIFFERING, 2999L, List.of("amount")),
                    org.assertj.core.groups.Tuple.tuple(RowDiff.Kind.EXTRA_ON_TARGET, 1_000_000L, List.of()));
        } finally {
            link.close();
        }
    }

    @Test
    void aCutoverAskedToVerifyFirst_refusesWhileGreenDiffers_namingTheKeys_andFlipsOnceItMatches() {
        Sides sides = freshSides("v_first");
        ReplicationLink link = streamingItems(sides, "v_first", SEEDED);
        DataSource blue = sides.app(Side.BLUE);
        DataSource green = sides.app(Side.GREEN);
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green)) {
            run(green, "DELETE FROM items WHERE id = ?", 42L);
            io.cutover.Cutover refused = io.cutover.Cutover.builder().name("v_first").switcher(switcher).link(link)
                    .verifyFirst(VerifyOptions.defaults()).build();

            org.assertj.core.api.Assertions.assertThatThrownBy(refused::execute)
                    .isInstanceOf(io.cutover.PreflightException.class)
                    .hasMessageContaining("verify: 'items' -> 'items' has 1 rows that differ after a fence")
                    .hasMessageContaining("MISSING_ON_TARGET {id=42}");
            assertThat(switcher.current()).isEqualTo(Side.BLUE);

            // The row comes back on blue's side of the stream: touching it on blue replays it to green.
            run(blue, "UPDATE items SET name = ? WHERE id = ?", "touched", 42L);
            io.cutover.Cutover cutover = io.cutover.Cutover.builder().name("v_first").switcher(switcher).link(link)
                    .verifyFirst(VerifyOptions.defaults()).build();
            io.cutover.CutoverResult result = cutover.execute();
            cutover.reverseLink().ifPresent(ReplicationLink::close);

            assertThat(result.outcome()).isEqualTo(io.cutover.CutoverResult.Outcome.FLIPPED);
            assertThat(result.checks()).anySatisfy(l -> assertThat(l).startsWith("verify: blue -> green matches, "));
            assertThat(switcher.current()).isEqualTo(Side.GREEN);
        } finally {
            link.close();
        }
    }

    @Test
    void writersRunningFlatOutDuringTheVerify_causeNoFalseDifference() throws Exception {
        Sides sides = freshSides("v_busy");
        ReplicationLink link = streamingItems(sides, "v_busy", BUSY_SEEDED);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides.app(Side.BLUE), sides.app(Side.GREEN))) {
            for (int t = 0; t < 4; t++) {
                long own = 10_000_000L * (t + 1);
                Thread w = new Thread(() -> write(switcher, own, running, acked, failure), "verify-writer-" + t);
                w.setDaemon(true);
                writers.add(w);
                w.start();
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acked.get() >= 200);
            long before = acked.get();

            // Small chunks: the verify takes many round trips, so the writers run through it.
            VerifyReport report = link.verify(VerifyOptions.defaults().withChunkSize(100));

            long during = acked.get() - before;
            running.set(false);
            for (Thread w : writers) {
                w.join(10_000);
            }
            System.out.printf("busy verify: %d writes acknowledged during it%n%s%n", during, report.summary());
            assertThat(failure.get()).isNull();
            // The point is that writes landed while it read, not how many a loaded machine fits in.
            assertThat(during).as("writes acknowledged while verify ran").isGreaterThanOrEqualTo(10);
            assertThat(report.tables().get(0).reported()).isEmpty();
            assertThat(report.isClean()).isTrue();
            assertThat(report.rowsCompared()).isGreaterThanOrEqualTo(BUSY_SEEDED);

            // Once the writers stop and the stream catches up, every row settles and still matches.
            link.stream().awaitFence(CATCH_UP);
            VerifyReport quiet = link.verify();
            assertThat(quiet.isClean()).isTrue();
            assertThat(quiet.tables().get(0).unsettled()).isZero();
        } finally {
            running.set(false);
            link.close();
        }
    }

    // Updates seeded rows at random (hot rows), inserts its own rows and deletes some of them again.
    private static void write(DataSource switcher, long own, AtomicBoolean running, AtomicLong acked,
            AtomicReference<Throwable> failure) {
        long next = own;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
            while (running.get()) {
                try (Connection c = switcher.getConnection()) {
                    int op = random.nextInt(10);
                    if (op < 6) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "UPDATE items SET name = ?, amount = ?, flag = ? WHERE id = ?")) {
                            ps.setString(1, "w" + random.nextInt(1_000_000));
                            ps.setBigDecimal(2, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
                            ps.setBoolean(3, random.nextBoolean());
                            ps.setLong(4, 1 + random.nextInt(BUSY_SEEDED));
                            ps.executeUpdate();
                        }
                    } else if (op < 9 || next == own) {
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, amount, at, data, flag)"
                                + " VALUES (?, ?, ?, ?, ?, ?)")) {
                            bindItem(ps, next++, "inserted");
                            ps.executeUpdate();
                        }
                    } else {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM items WHERE id = ?")) {
                            ps.setLong(1, own + random.nextLong(next - own));
                            ps.executeUpdate();
                        }
                    }
                    acked.incrementAndGet();
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    @Test
    void aV1ToV2Transform_verifiesClean_andAWrongComputedValueIsFound() {
        Sides sides = freshSides("v_schema");
        sides.exec(Side.BLUE, "CREATE TABLE users (id BIGINT PRIMARY KEY, name " + textType() + ", email " + textType()
                + " NOT NULL)");
        sides.exec(Side.GREEN, "CREATE TABLE users (id BIGINT PRIMARY KEY, name " + textType() + ", email " + textType()
                + " NOT NULL, phone " + textType() + " NOT NULL)");
        DataSource blue = sides.app(Side.BLUE);
        for (long i = 1; i <= 400; i++) {
            run(blue, "INSERT INTO users (id, name, email) VALUES (?, ?, ?)", i, "User " + i, "user" + i + "@example.org");
        }
        TableMapping users = Transforms.forTable("users").key("id")
                .addComputedColumn("phone", SchemaChangeScenario::phone).build();
        ReplicationLink link = sides.link("v_schema", "users").transform("users", users, users.reverse()).build();
        try {
            link.stream().start();
            link.stream().awaitFence(CATCH_UP);
            try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, sides.app(Side.GREEN));
                    SchemaChangeWriters writers = new SchemaChangeWriters(switcher, c -> false,
                            SchemaChangeWrites.phone(), 2)) {
                writers.awaitMore(100);
                VerifyReport report = link.verify(VerifyOptions.defaults().withChunkSize(100));
                assertThat(report.summary()).contains("clean");
                assertThat(report.isClean()).isTrue();
            }
            link.stream().awaitFence(CATCH_UP);
            run(sides.app(Side.GREEN), "UPDATE users SET phone = ? WHERE id = ?", "+1-555-WRONG", 77L);

            TableDiff diff = link.verify().tables().get(0);

            assertThat(diff.reported()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(RowDiff.Kind.DIFFERING);
                assertThat(((Number) d.key().get("id")).longValue()).isEqualTo(77L);
                assertThat(d.columns()).containsExactly("phone");
            });
        } finally {
            link.close();
        }
    }
}
