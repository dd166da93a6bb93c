package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverException;
import io.cutover.CutoverResult;
import io.cutover.PauseGate;
import io.cutover.Phase;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cutover that prepared the guard's pass-through triggers and then was refused in preflight, or
 * aborted inside the pause, leaves no trigger on the table; a later cutover over the same link
 * prepares them again and guards.
 */
class GuardDiscardIT {

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
    void aRefusalAfterPreparing_andAnAbortInCatchUp_leaveNoTrigger_andALaterCutoverStillGuards() throws Exception {
        pg.both("CREATE TABLE discarded (id int PRIMARY KEY)");
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch released = new CountDownLatch(1);
        PgSides sides = new PgSides(pg, CutoverIT.appPool(pg.blue), CutoverIT.appPool(pg.green));
        ReplicationLink link = sides.link("discarded", "discarded").initialCopy(false).beforeCommit(() -> {
            if (hold.get()) {
                try {
                    released.await(30, TimeUnit.SECONDS); // green's apply is stuck
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(CutoverIT.appPool(pg.blue), CutoverIT.appPool(pg.green))) {
            hold.set(true);
            write(switcher, "INSERT INTO discarded VALUES (1)");

            // The gate, last in preflight after the guard was prepared, misses: the stream is stuck.
            Cutover refused = Cutover.builder().name("refused").switcher(switcher).link(link).fenceBeforePause(false)
                    .pauseGate(PauseGate.of(Duration.ofMillis(20), Duration.ofMillis(300)).refusingOnMiss()).build();
            assertThatThrownBy(refused::execute).isInstanceOf(CutoverException.class)
                    .satisfies(e -> assertThat(((CutoverException) e).phase()).isEqualTo(Phase.PREFLIGHT));
            assertThat(triggers()).as("guard triggers after a refusal in preflight").isZero();
            write(switcher, "INSERT INTO discarded VALUES (2)");

            // Inside the pause the guard engages, then the fence cannot arrive in time.
            Cutover late = Cutover.builder().name("late").switcher(switcher).link(link).fenceBeforePause(false)
                    .catchUpBudget(Duration.ofMillis(500)).totalBudget(Duration.ofSeconds(5)).build();
            assertThatThrownBy(late::execute).isInstanceOf(CutoverAbortedException.class)
                    .satisfies(e -> assertThat(((CutoverAbortedException) e).phase()).isEqualTo(Phase.CATCH_UP));
            assertThat(triggers()).as("guard triggers after an abort in CATCH_UP").isZero();
            assertThat(link.sourceGuard().engaged()).isFalse();
            write(switcher, "INSERT INTO discarded VALUES (3)");
            pg.blue.exec("INSERT INTO discarded VALUES (4)");
            hold.set(false);
            released.countDown();

            link.stream().awaitFence(Duration.ofSeconds(30));
            Cutover ok = Cutover.builder().name("ok").switcher(switcher).link(link).build();
            CutoverResult result = ok.execute();
            assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(result.checks()).anySatisfy(line -> assertThat(line).contains("prepared before the pause"));
            assertThat(triggers()).isEqualTo(1);
            assertThatThrownBy(() -> pg.blue.exec("INSERT INTO discarded VALUES (5)")).hasMessageContaining("guarded");
            assertThat(switcher.current()).isEqualTo(Side.GREEN);
            assertThat(pg.green.count("SELECT count(*) FROM discarded")).isEqualTo(4);
            ok.reverseLink().orElseThrow().close();
            link.sourceGuard().release();
        } finally {
            released.countDown();
            link.close();
        }
        assertThat(triggers()).isZero();
    }

    private static long triggers() {
        return pg.blue.count("SELECT count(*) FROM pg_trigger WHERE tgname = 'cutover_guard_discarded'");
    }

    private static void write(ConnectionSwitcher switcher, String sql) throws SQLException {
        try (Connection c = switcher.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
