package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverResult;
import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right after a flip, with the application writing through the switcher, the reverse stream is
 * ready for a rollback: its first fence, and the first fence of the stream a rollback starts, are
 * applied within a bound far below a rollback's catch-up budget. The measured times are logged
 * (about 0.1-0.4 s on a 2-core machine; most of it is the connector's start after {@code start()}
 * returned: schema read, publication check, replication connection).
 */
class ReverseFenceIT {

    private static final Logger LOG = LoggerFactory.getLogger(ReverseFenceIT.class);

    /** Generous for a loaded shared machine; a connector waiting out a heartbeat or status interval would show. */
    private static final long FIRST_FENCE_BOUND_MILLIS = 10_000;

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
    void reverseStream_appliesItsFirstFence_andTheRollbacksReverseStreamToo_soonAfterTheirFlips() throws InterruptedException {
        pg.both("CREATE TABLE rf (id int PRIMARY KEY, v text)");
        pg.blue.exec("INSERT INTO rf VALUES (1, 'blue')");
        ReplicationLink link = pg.builder("rf", "rf").build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(CutoverIT.appPool(pg.blue),
                CutoverIT.appPool(pg.green))) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = new Thread(() -> {
                int i = 100;
                while (!stop.get()) {
                    try (java.sql.Connection c = switcher.getConnection(); java.sql.Statement st = c.createStatement()) {
                        st.execute("INSERT INTO rf VALUES (" + (i++) + ", 'w')");
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    } catch (java.sql.SQLException e) {
                        // held by the pause past its limit, or refused while switching: the next write retries
                    }
                }
            });
            writer.start();
            Cutover cutover = Cutover.builder().name("rf").switcher(switcher).link(link).build();
            CutoverResult result = cutover.execute();
            assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            ReplicationLink reverse = cutover.reverseLink().orElseThrow();

            long t0 = System.nanoTime();
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            LOG.info("reverse stream's first fence after the flip: {} ms", millis);
            stop.set(true);
            writer.join();

            pg.green.exec("INSERT INTO rf VALUES (2, 'green')");
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            // Nothing written on green after the flip is missed on the way back.
            assertThat(pg.blue.rows("SELECT * FROM rf ORDER BY id")).isEqualTo(pg.green.rows("SELECT * FROM rf ORDER BY id"));
            assertThat(pg.blue.rows("SELECT v FROM rf WHERE id < 100 ORDER BY id")).isEqualTo(List.of(List.of("blue"), List.of("green")));
            assertThat(millis).as("first reverse fence, ms").isLessThan(FIRST_FENCE_BOUND_MILLIS);

            // An early rollback: its catch-up fence is the reverse stream's next one; then the new
            // reverse stream (blue -> green again) is ready at once as well.
            Cutover back = Cutover.builder().name("rf-back").switcher(switcher).link(reverse)
                    .catchUpBudget(Duration.ofSeconds(5)).build();
            assertThat(back.execute().outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            ReplicationLink again = back.reverseLink().orElseThrow();
            long t1 = System.nanoTime();
            again.stream().awaitFence(Duration.ofSeconds(30));
            long againMillis = (System.nanoTime() - t1) / 1_000_000;
            LOG.info("after the rollback, the new reverse stream's first fence: {} ms", againMillis);
            assertThat(againMillis).as("first fence after the rollback, ms").isLessThan(FIRST_FENCE_BOUND_MILLIS);
            again.close();
            reverse.sourceGuard().release();
        }
    }
}
