package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverException;
import io.cutover.CutoverResult;
import io.cutover.FinishOptions;
import io.cutover.Phase;
import io.cutover.PhaseTiming;
import io.cutover.ReplicationLink;
import io.cutover.spi.WriteGuard;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * The guard engages without taking table locks: its triggers are prepared before the pause, engaging
 * replaces their function and waits for the transactions already writing, so an autovacuum's lock
 * does not delay it, a write begun before it commits before it returns, and a transaction that never
 * ends fails it cleanly.
 */
class GuardWithoutTableLocksIT {

    private static PgPair pg;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void engage_isNotDelayedByAShareUpdateExclusiveLock_asAnAutovacuumHolds() throws Exception {
        pg.both("CREATE TABLE vacuumed (id int PRIMARY KEY)");
        ReplicationLink link = pg.builder("vacuumed", "vacuumed").initialCopy(false).guardLockTimeout(Duration.ofSeconds(5)).build();
        try (link; Connection vacuum = pg.blue.connect(); Connection direct = pg.blue.connect()) {
            WriteGuard guard = link.sourceGuard();
            assertThat(guard.prepare()).singleElement().asString().contains("prepared before the pause").contains("1 created");
            vacuum.setAutoCommit(false);
            exec(vacuum, "LOCK TABLE vacuumed IN SHARE UPDATE EXCLUSIVE MODE");

            long start = System.nanoTime();
            guard.engage();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            // CREATE TRIGGER would have queued behind that lock for the whole 5 s lock timeout.
            assertThat(tookMillis).isLessThan(250);
            assertThat(guard.engaged()).isTrue();
            assertThatThrownBy(() -> exec(direct, "INSERT INTO vacuumed VALUES (1)")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
            vacuum.commit();
            guard.release();
            exec(direct, "INSERT INTO vacuumed VALUES (2)");
        }
    }

    @Test
    void prepare_leavesABusyTableToEngage_withoutEngagingAnything() throws Exception {
        pg.both("CREATE TABLE busy_prep (id int PRIMARY KEY)", "CREATE TABLE free_prep (id int PRIMARY KEY)");
        ReplicationLink link = pg.builder("busyprep", "busy_prep", "free_prep").initialCopy(false)
                .guardLockTimeout(Duration.ofMillis(300)).build();
        try (link; Connection vacuum = pg.blue.connect(); Connection direct = pg.blue.connect()) {
            vacuum.setAutoCommit(false);
            exec(vacuum, "LOCK TABLE busy_prep IN SHARE UPDATE EXCLUSIVE MODE");
            WriteGuard guard = link.sourceGuard();

            assertThat(guard.prepare()).singleElement().asString().contains("prepared on 1 of 2 table(s)").contains("busy_prep");

            assertThat(guard.engaged()).isFalse();
            exec(direct, "INSERT INTO busy_prep VALUES (1)");
            exec(direct, "INSERT INTO free_prep VALUES (1)");
            assertThat(triggers("busyprep")).isEqualTo(1);
            vacuum.commit();
            // Engaging creates the missing trigger under the table's lock, as before there was a preparation.
            guard.engage();
            assertThat(triggers("busyprep")).isEqualTo(2);
            assertThatThrownBy(() -> exec(direct, "INSERT INTO busy_prep VALUES (2)")).hasMessageContaining("guarded");
            guard.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT", "TRUNCATE", "COPY"})
    void engage_waitsForAWriteBegunBeforeIt_thenItPrecedesTheFence_andLaterWritesAreRefused(String write) throws Exception {
        String table = "open_" + write.toLowerCase();
        pg.both("CREATE TABLE " + table + " (id int PRIMARY KEY, v text)");
        pg.blue.exec("INSERT INTO " + table + " VALUES (0, 'old')");
        ReplicationLink link = pg.builder("open" + write.toLowerCase(), table).guardLockTimeout(Duration.ofSeconds(20)).build();
        try (link; Connection writer = pg.blue.connect(); Connection later = pg.blue.connect()) {
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(30));
            WriteGuard guard = link.sourceGuard();
            guard.prepare();
            writer.setAutoCommit(false);
            switch (write) {
                case "INSERT" -> exec(writer, "INSERT INTO " + table + " VALUES (1, 'open')");
                case "TRUNCATE" -> exec(writer, "TRUNCATE " + table);
                default -> new CopyManager(writer.unwrap(BaseConnection.class))
                        .copyIn("COPY " + table + " FROM STDIN", new StringReader("1\topen\n"));
            }

            CompletableFuture<Void> engaging = CompletableFuture.runAsync(guard::engage);
            assertThatThrownBy(() -> engaging.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            writer.commit();
            engaging.get(10, TimeUnit.SECONDS);

            List<List<String>> committed = pg.blue.rows("SELECT id, v FROM " + table + " ORDER BY id");
            assertThat(committed).isEqualTo(write.equals("TRUNCATE") ? List.of() : List.of(List.of("0", "old"), List.of("1", "open")));
            link.stream().awaitFence(Duration.ofSeconds(30));
            if (!write.equals("TRUNCATE")) { // the stream does not carry TRUNCATE
                assertThat(pg.green.rows("SELECT id, v FROM " + table + " ORDER BY id")).isEqualTo(committed);
            }
            for (String refused : List.of("INSERT INTO " + table + " VALUES (2, 'late')", "UPDATE " + table + " SET v = 'x'",
                    "DELETE FROM " + table, "TRUNCATE " + table)) {
                assertThatThrownBy(() -> exec(later, refused)).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
            }
            assertThatThrownBy(() -> new CopyManager(later.unwrap(BaseConnection.class))
                    .copyIn("COPY " + table + " FROM STDIN", new StringReader("3\tcopied\n")))
                    .isInstanceOf(SQLException.class).hasMessageContaining("guarded");
            guard.release();
        }
    }

    @Test
    void engage_refusesASessionThatWroteThroughThePassingTriggerBefore() throws Exception {
        pg.both("CREATE TABLE warm (id int PRIMARY KEY)");
        ReplicationLink link = pg.builder("warm", "warm").initialCopy(false).build();
        try (link; Connection direct = pg.blue.connect()) {
            WriteGuard guard = link.sourceGuard();
            guard.prepare();
            // This session has run (and compiled) the passing function.
            exec(direct, "INSERT INTO warm VALUES (1)");
            guard.engage();
            assertThatThrownBy(() -> exec(direct, "INSERT INTO warm VALUES (2)")).hasMessageContaining("guarded");
            guard.release();
            exec(direct, "INSERT INTO warm VALUES (3)");
            assertThat(pg.blue.count("SELECT count(*) FROM warm")).isEqualTo(2);
        }
    }

    @Test
    void engage_failsWithinItsBound_namingATransactionThatNeverEnds_andLeavesTheGuardLifted() throws Exception {
        pg.both("CREATE TABLE stuck (id int PRIMARY KEY)");
        ReplicationLink link = pg.builder("stuck", "stuck").initialCopy(false).guardLockTimeout(Duration.ofMillis(300)).build();
        try (link; Connection writer = pg.blue.connect(); Connection other = pg.blue.connect()) {
            WriteGuard guard = link.sourceGuard();
            guard.prepare();
            exec(writer, "SET application_name = 'stuck-writer'");
            writer.setAutoCommit(false);
            exec(writer, "INSERT INTO stuck VALUES (1)");
            long pid = pid(writer);

            long start = System.nanoTime();
            assertThatThrownBy(guard::engage).isInstanceOf(CutoverException.class)
                    .hasMessageContaining("pid " + pid).hasMessageContaining("'stuck-writer'")
                    .hasMessageContaining("idle in transaction").hasMessageContaining("lifted again")
                    .satisfies(e -> assertThat(((CutoverException) e).phase()).isEqualTo(Phase.GUARD));
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(300L, 3_000L);

            assertThat(guard.engaged()).isFalse();
            exec(other, "INSERT INTO stuck VALUES (2)");
            writer.commit();
            assertThat(pg.blue.count("SELECT count(*) FROM stuck")).isEqualTo(2);
        }
    }

    @Test
    void rehearsal_preparesBeforeThePause_andLeavesNoTriggerOrFunction() throws Exception {
        pg.both("CREATE TABLE rehearsed (id int PRIMARY KEY)");
        ReplicationLink link = pg.builder("rehearsed", "rehearsed").initialCopy(false).build();
        try (link; ConnectionSwitcher switcher = ConnectionSwitcher.between(CutoverIT.appPool(pg.blue), CutoverIT.appPool(pg.green))) {
            link.stream().start();
            CutoverResult result = Cutover.builder().name("rehearsed").switcher(switcher).link(link).build().rehearse();

            assertThat(result.checks()).anySatisfy(line -> assertThat(line).contains("guard cutover_guard_rehearsed prepared before the pause"));
            assertThat(result.phases()).extracting(PhaseTiming::phase).contains(Phase.GUARD);
            assertThat(triggers("rehearsed")).isZero();
            assertThat(functions("rehearsed")).isZero();
            pg.blue.exec("INSERT INTO rehearsed VALUES (1)");
        }
    }

    @Test
    void abortBeforeTheGuard_removesThePreparedTriggers_andFinishLeavesNothing() throws Exception {
        pg.both("CREATE TABLE aborted (id int PRIMARY KEY)");
        ReplicationLink link = pg.builder("aborted", "aborted").initialCopy(false).build();
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(CutoverIT.appPool(pg.blue), CutoverIT.appPool(pg.green))) {
            link.stream().start();
            try (Connection held = switcher.getConnection()) {
                // A write lease never given back: the drain times out in PAUSE, before GUARD.
                Cutover cutover = Cutover.builder().name("aborted").switcher(switcher).link(link)
                        .drainBudget(Duration.ofMillis(100)).build();
                assertThatThrownBy(cutover::execute).isInstanceOf(CutoverAbortedException.class)
                        .satisfies(e -> assertThat(((CutoverAbortedException) e).phase()).isEqualTo(Phase.PAUSE));
            }
            assertThat(link.sourceGuard().engaged()).isFalse();
            assertThat(triggers("aborted")).as("prepared in preflight, discarded by the abort").isZero();
            pg.blue.exec("INSERT INTO aborted VALUES (1)");
        }
        link.finish(FinishOptions.defaults());
        assertThat(triggers("aborted")).isZero();
        assertThat(functions("aborted")).isZero();
    }

    private static long triggers(String name) {
        return pg.blue.count("SELECT count(*) FROM pg_trigger WHERE tgname = 'cutover_guard_" + name + "'");
    }

    private static long functions(String name) {
        return pg.blue.count("SELECT count(*) FROM pg_proc WHERE proname = 'cutover_guard_" + name + "'");
    }

    private static long pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
