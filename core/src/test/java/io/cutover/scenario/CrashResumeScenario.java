package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.CutoverException;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A stream that crashes between applying a batch on green and committing it, written once for
 * every dialect: the offsets live on green with the rows, so a restart resumes where green is,
 * neither skipping nor re-applying a change. A dialect's IT extends this class, supplies its
 * servers and a trigger that logs every change applied on green, and may add its own tests on
 * the same helpers.
 */
public abstract class CrashResumeScenario {

    /** Returns the dialect's two servers; the tests use tables of their own. */
    protected abstract Sides sides();

    /**
     * Returns the DDL, run on green, that logs every insert and update applied to {@code table}
     * into {@code <table>_log (id INT, v INT)} as {@code (NEW.id, NEW.v)}.
     *
     * @param table the table, {@code (id INT PRIMARY KEY, v INT NOT NULL)} on both sides
     * @return the statements, in order
     */
    protected abstract String[] applyLog(String table);

    /**
     * Creates {@code table (id INT PRIMARY KEY, v INT NOT NULL)} on both sides and its apply log on
     * green. v only grows, so (id, v) repeats in the log only if a change is applied twice.
     */
    protected final void schema(String table) {
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
        }
        List<String> ddl = new ArrayList<>(List.of("CREATE TABLE " + table + "_log (id INT, v INT)"));
        ddl.addAll(List.of(applyLog(table)));
        sides().exec(Side.GREEN, ddl.toArray(String[]::new));
    }

    /** Writes n transactions on blue: insert row i, bump row i-3, delete row i-5 when i % 7 == 0. */
    protected final CompletableFuture<Void> workload(String table, int from, int n) {
        return CompletableFuture.runAsync(() -> {
            try (Connection c = sides().app(Side.BLUE).getConnection()) {
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
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void crashBeforeCommit_thenRestart_convergesWithoutDoubleApply() throws Exception {
        String t = "crash_t";
        schema(t);
        AtomicBoolean crashNext = new AtomicBoolean();
        AtomicInteger crashes = new AtomicInteger();
        try (ReplicationLink link = sides().link("crash", t).initialCopy(false).beforeCommit(() -> {
            if (crashNext.compareAndSet(true, false)) {
                crashes.incrementAndGet();
                throw new IllegalStateException("simulated crash before commit");
            }
        }).build()) {
            ReplicationStream stream = link.stream();
            stream.start();
            CompletableFuture<Void> writer = workload(t, 1, 3000);
            await().atMost(Duration.ofSeconds(30)).until(() -> count(Side.GREEN, "SELECT COUNT(*) FROM " + t) > 100);
            crashNext.set(true);
            // A fence waiter must wake when the stream fails, not sleep out its two-minute timeout.
            CompletableFuture<Void> fenceWaiter = CompletableFuture.runAsync(() -> stream.awaitFence(Duration.ofMinutes(2)));
            await().atMost(Duration.ofSeconds(30)).until(() -> stream.state() == ReplicationStream.State.FAILED);
            assertThat(fenceWaiter).failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(CutoverException.class);
            assertThat(stream.failure()).get().asString().contains("simulated crash");
            assertThat(crashes).hasValue(1);

            stream.start();
            writer.join();
            stream.awaitFence(Duration.ofSeconds(60));
            assertConverged(t);
        }
    }

    /** Both sides hold the same rows, there are rows, and green applied no change twice. */
    protected final void assertConverged(String t) throws SQLException {
        List<List<Long>> blue = rows(Side.BLUE, "SELECT id, v FROM " + t + " ORDER BY id");
        assertThat(rows(Side.GREEN, "SELECT id, v FROM " + t + " ORDER BY id")).isEqualTo(blue);
        assertThat(blue).isNotEmpty();
        assertThat(rows(Side.GREEN, "SELECT id, v, COUNT(*) FROM " + t + "_log GROUP BY id, v HAVING COUNT(*) > 1"))
                .as("changes applied twice").isEmpty();
    }

    private long count(Side side, String sql) throws SQLException {
        return rows(side, sql).get(0).get(0);
    }

    private List<List<Long>> rows(Side side, String sql) throws SQLException {
        List<List<Long>> out = new ArrayList<>();
        try (Connection c = sides().app(side).getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Long> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getLong(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
