package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationStream;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.faults.FaultyDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Offsets live on green with the rows: a stream that crashes mid-batch, or a process that dies
 * and is replaced by a new one, resumes where green is, neither skipping nor re-applying a batch.
 */
class CrashResumeIT {

    private static PgPair pg;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    // Every applied insert/update is logged on green; v only grows, so (id, v) repeats only if a change is applied twice.
    private static void schema(String table) {
        pg.both("CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)");
        pg.green.exec("CREATE TABLE " + table + "_log (id int, v int)",
                "CREATE FUNCTION " + table + "_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO " + table + "_log VALUES (NEW.id, NEW.v); RETURN NEW; END $$",
                "CREATE TRIGGER log AFTER INSERT OR UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + table + "_log()");
    }

    /** Writes n transactions on blue: insert row i, bump row i-3, delete row i-5 when i % 7 == 0. */
    private static CompletableFuture<Void> workload(String table, int n, AtomicInteger done) {
        return workload(table, 1, n, done);
    }

    private static CompletableFuture<Void> workload(String table, int from, int n, AtomicInteger done) {
        return CompletableFuture.runAsync(() -> {
            try (Connection c = pg.blue.connect()) {
                c.setAutoCommit(false);
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " VALUES (?, 0)");
                        PreparedStatement upd = c.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?");
                        PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                    for (int i = from; i < from + n; i++) {
                        ins.setInt(1, i);
                        ins.executeUpdate();
                        upd.setInt(1, i - 3);
                        upd.executeUpdate();
                        if (i % 7 == 0) {
                            del.setInt(1, i - 5);
                            del.executeUpdate();
                        }
                        c.commit();
                        done.set(i);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void crashBeforeCommit_thenRestart_convergesWithoutDoubleApply() {
        String t = "crash_t";
        schema(t);
        AtomicBoolean crashNext = new AtomicBoolean();
        AtomicInteger crashes = new AtomicInteger();
        // Green's connections fail the next commit of an apply transaction (it wrote the offset row).
        DataSource green = FaultyDataSource.wrap(PgDataSources.of(pg.green), new FaultyDataSource.CommitHook() {
            @Override
            public void beforeCommit(FaultyDataSource.Commit commit) throws SQLException {
                if (commit.mentions("cutover_offsets") && crashNext.compareAndSet(true, false)) {
                    crashes.incrementAndGet();
                    throw new SQLException("simulated crash before commit");
                }
            }
        });
        try (ReplicationLink link = pg.builder("crash", t).initialCopy(false).dataSource(Side.GREEN, green).build()) {
            ReplicationStream stream = link.stream();
            stream.start();
            AtomicInteger written = new AtomicInteger();
            CompletableFuture<Void> writer = workload(t, 3000, written);
            await().atMost(Duration.ofSeconds(30)).until(() -> pg.green.count("SELECT count(*) FROM " + t) > 100);
            crashNext.set(true);
            // A fence waiter must wake when the stream fails, not sleep out its two-minute timeout.
            CompletableFuture<Void> fenceWaiter = CompletableFuture.runAsync(() -> stream.awaitFence(Duration.ofMinutes(2)));
            await().atMost(Duration.ofSeconds(30)).until(() -> stream.state() == ReplicationStream.State.FAILED);
            assertThat(fenceWaiter).failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(io.cutover.CutoverException.class);
            assertThat(stream.failure()).get().asString().contains("simulated crash");
            assertThat(crashes).hasValue(1);

            stream.start();
            writer.join();
            stream.awaitFence(Duration.ofSeconds(60));
            assertConverged(t);
        }
    }

    @Test
    void processDies_newLinkWithTheSameName_resumesFromGreensOffset() {
        String t = "restart_t";
        schema(t);
        ReplicationLink first = pg.builder("restart", t).initialCopy(false).build();
        first.stream().start();
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = workload(t, 2000, written);
        await().atMost(Duration.ofSeconds(30)).until(() -> pg.green.count("SELECT count(*) FROM " + t) > 100);
        // A dying process: the engine stops, nothing is cleaned up, the slot stays.
        first.stream().stop();
        long greenAtStop = pg.green.count("SELECT count(*) FROM " + t + "_log");
        assertThat(pg.green.count("SELECT count(*) FROM cutover_offsets WHERE stream = 'restart-blue-to-green'")).isEqualTo(1);

        try (ReplicationLink second = pg.builder("restart", t).initialCopy(false).build()) {
            second.stream().start();
            writer.join();
            second.stream().awaitFence(Duration.ofSeconds(60));
            assertThat(pg.green.count("SELECT count(*) FROM " + t + "_log")).isGreaterThan(greenAtStop);
            assertConverged(t);
        }
        assertThat(pg.blue.count("SELECT count(*) FROM pg_replication_slots")).isZero();
    }

    @Test
    void initialCopyUnderConcurrentWrites_meetsTheStreamExactly() {
        String t = "copy_t";
        schema(t);
        AtomicInteger written = new AtomicInteger();
        workload(t, 1, 3000, written).join();
        try (ReplicationLink link = pg.builder("copy", t).build()) {
            CompletableFuture<Void> writer = workload(t, 3001, 1500, written);
            link.stream().start();
            writer.join();
            link.stream().awaitFence(Duration.ofSeconds(60));
            assertConverged(t);
            assertThat(pg.green.count("SELECT count(*) FROM " + t)).isGreaterThan(2000);
        }
    }

    private static void assertConverged(String t) {
        List<List<String>> blue = pg.blue.rows("SELECT id, v FROM " + t + " ORDER BY id");
        assertThat(pg.green.rows("SELECT id, v FROM " + t + " ORDER BY id")).isEqualTo(blue);
        assertThat(blue).isNotEmpty();
        assertThat(pg.green.rows("SELECT id, v, count(*) FROM " + t + "_log GROUP BY id, v HAVING count(*) > 1"))
                .as("changes applied twice").isEmpty();
    }
}
