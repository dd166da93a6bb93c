package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.Phase;
import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reverse slot is created on green before the write pause; inside it only the start position
 * is recorded. Changes the forward stream applied on green between the slot's creation and that
 * position are not copied back to blue, and every write on green after it is.
 */
class ReverseSlotBeforePauseIT {

    private static final String REVERSE_SLOT = "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE '%\\_g2b'";

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
    void reverseStream_skipsTheForwardAppliesBeforeItsStart_andCarriesEveryLaterWriteOnGreen() {
        pg.both("CREATE TABLE rs (id int PRIMARY KEY, v text)");
        pg.blue.exec("INSERT INTO rs VALUES (1, 'seed')");
        ReplicationLink link = pg.builder("rs", "rs").build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));

        assertThat(link.prepareReverseBeforePause()).hasSize(1);
        assertThat(pg.green.rows(REVERSE_SLOT)).hasSize(1);
        // Applied on green by the forward stream after the reverse slot exists.
        pg.blue.exec("INSERT INTO rs SELECT g, 'forward' FROM generate_series(10, 59) g", "UPDATE rs SET v = 'forward' WHERE id = 1");
        link.stream().awaitFence(Duration.ofSeconds(30));
        assertThat(pg.green.rows("SELECT count(*) FROM rs WHERE v = 'forward'")).isEqualTo(List.of(List.of("51")));

        ReplicationLink reverse = link.prepareReverse();
        link.close();
        reverse.sourceGuard().release();
        // Blue moves on without the forward stream: a reverse stream replaying the forward applies
        // would bring these rows and this value back.
        pg.blue.exec("DELETE FROM rs WHERE id >= 10", "UPDATE rs SET v = 'blue only' WHERE id = 1");
        pg.green.exec("INSERT INTO rs VALUES (100, 'green after')", "UPDATE rs SET v = 'green after' WHERE id = 20");
        reverse.stream().start();
        reverse.stream().awaitFence(Duration.ofSeconds(30));

        assertThat(pg.blue.rows("SELECT id, v FROM rs ORDER BY id")).containsExactly(
                List.of("1", "blue only"), List.of("20", "green after"), List.of("100", "green after"));
        reverse.close();
        assertThat(pg.green.rows(REVERSE_SLOT)).as("reverse slot after close").isEmpty();
    }

    @Test
    void cutover_createsTheReverseSlotBeforeThePause_andARefusedOrRehearsedOneLeavesNoSlot() throws Exception {
        pg.both("CREATE TABLE rc (id int PRIMARY KEY, v text)");
        ReplicationLink link = pg.builder("rc", "rc").build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(CutoverIT.appPool(pg.blue), CutoverIT.appPool(pg.green))) {
            List<Integer> slotsAtPause = new CopyOnWriteArrayList<>();
            CutoverListener atPause = new CutoverListener() {
                @Override
                public void phaseStarted(String cutover, Phase phase) {
                    if (phase == Phase.PAUSE) {
                        slotsAtPause.add(pg.green.rows(REVERSE_SLOT).size());
                    }
                }
            };
            CutoverResult rehearsal = Cutover.builder().name("rc").switcher(switcher).link(link).listener(atPause).build().rehearse();
            assertThat(rehearsal.outcome()).isEqualTo(CutoverResult.Outcome.REHEARSED);
            assertThat(rehearsal.checks()).anyMatch(c -> c.contains("before the pause"));
            assertThat(pg.green.rows(REVERSE_SLOT)).as("reverse slot after the rehearsal").isEmpty();

            // Refused in preflight after the slot was made (a verification that fails): nothing stays.
            pg.green.exec("INSERT INTO rc VALUES (7, 'only on green')");
            try {
                Cutover.builder().name("rc").switcher(switcher).link(link)
                        .verifyFirst(io.cutover.VerifyOptions.defaults()).build().execute();
            } catch (RuntimeException expected) {
                // the verification finds the extra row; what matters is what is left on green
            }
            assertThat(pg.green.rows(REVERSE_SLOT)).as("reverse slot after a refused cutover").isEmpty();
            pg.green.exec("DELETE FROM rc WHERE id = 7");

            pg.blue.exec("INSERT INTO rc VALUES (1, 'blue')");
            Cutover cutover = Cutover.builder().name("rc").switcher(switcher).link(link).listener(atPause).build();
            assertThat(cutover.execute().outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(slotsAtPause).as("reverse slots on green when the pause began").containsExactly(1, 1);
            ReplicationLink reverse = cutover.reverseLink().orElseThrow();
            try (java.sql.Connection c = switcher.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO rc VALUES (2, 'after flip')");
            }
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.blue.rows("SELECT id, v FROM rc ORDER BY id")).containsExactly(List.of("1", "blue"), List.of("2", "after flip"));
            reverse.close();
            link.sourceGuard().release();
        }
    }
}
