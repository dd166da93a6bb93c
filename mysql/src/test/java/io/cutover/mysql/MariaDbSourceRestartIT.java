package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream.State;
import io.cutover.Side;
import io.cutover.StreamStatus;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clean restart of blue MariaDB under a writer: the binlog client reconnects inside the
 * connector, and the stream's status must show it (RECOVERING, lag growing from the last time it
 * heard blue) within about a second, then catch up with nothing lost. Status and lag are sampled
 * every 100 ms across the restart and logged.
 */
class MariaDbSourceRestartIT {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbSourceRestartIT.class);
    private static final String DB = "restartdb";

    private static ServerPair<MariaDbServer> pair;
    private static MariaDbSides sides;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        pair = MariaDbServer.startPair("blue", 741, "green", 742);
        sides = MariaDbSides.onNewDatabase(pair.blue(), pair.green(), DB, state, 7401);
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.blue().close();
            pair.green().close();
        }
    }

    /** One status sample: milliseconds since the restart began, the state and the lag. */
    private record Sample(long atMillis, State state, long lagMillis) {
    }

    @Test
    void aCleanRestartOfBlue_showsInTheStatusAtOnce_andTheStreamCatchesUp_losingNoAcknowledgedWrite() throws Exception {
        String table = "rst_item";
        for (Side side : Side.values()) {
            sides.exec(side, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)");
        }
        ReplicationLink link = sides.link("rst", table).build();
        List<Long> acked = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(table, acked, writing), "restart-writer");
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        List<Sample> samples = new CopyOnWriteArrayList<>();
        try {
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(60));
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 200);
            long t0 = System.nanoTime();
            sampler.scheduleAtFixedRate(() -> {
                StreamStatus s = link.stream().status();
                samples.add(new Sample((System.nanoTime() - t0) / 1_000_000, s.state(), s.lag().behind().toMillis()));
            }, 0, 100, TimeUnit.MILLISECONDS);
            Duration down = pair.blue().restart();
            long restartedAt = (System.nanoTime() - t0) / 1_000_000;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                StreamStatus s = link.stream().status();
                return s.state() == State.STREAMING && s.lag().behind().compareTo(Duration.ofSeconds(1)) < 0
                        && (System.nanoTime() - t0) / 1_000_000 > restartedAt + 500;
            });
            long caughtUp = (System.nanoTime() - t0) / 1_000_000;
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            writing.set(false);
            writer.join(30_000);
            LOG.info("blue restarted in {} ms, back at {} ms, caught up (lag < 1 s) at {} ms; samples: {}", down.toMillis(),
                    restartedAt, caughtUp, samples);

            Sample firstShown = samples.stream().filter(s -> s.state() != State.STREAMING || s.lagMillis() > 0)
                    .findFirst().orElseThrow(() -> new AssertionError("the restart never showed: " + samples));
            assertThat(firstShown.atMillis()).as("the outage shows within ~2 s of its start: %s", samples).isLessThan(2_000);
            assertThat(samples).as("while blue was down the status left STREAMING").anyMatch(s -> s.state() == State.RECOVERING);
            assertThat(samples.stream().mapToLong(Sample::lagMillis).max().orElse(0)).as("lag grew while not reading")
                    .isGreaterThanOrEqualTo(500);

            link.stream().awaitFence(Duration.ofSeconds(60));
            List<String> blueRows = TablesCompared.rows(pair.blue(), DB, table, "id");
            assertThat(TablesCompared.rows(pair.green(), DB, table, "id")).isEqualTo(blueRows);
            assertThat(blueRows).hasSizeGreaterThanOrEqualTo(acked.size());
            try (Connection c = sides.app(Side.GREEN).getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id = ?")) {
                for (long id : acked) {
                    ps.setLong(1, id);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("acknowledged write %d on green", id).isEqualTo(1);
                    }
                }
            }
        } finally {
            writing.set(false);
            sampler.shutdownNow();
            writer.join(30_000);
            link.close();
        }
    }

    /** Inserts rows one at a time on blue, remembering those the server acknowledged; failures while blue is down are retried later. */
    private static void write(String table, List<Long> acked, AtomicBoolean writing) {
        long id = 0;
        while (writing.get()) {
            id++;
            try (Connection c = sides.app(Side.BLUE).getConnection();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, seq) VALUES (?, ?)")) {
                c.setAutoCommit(true);
                while (writing.get()) {
                    ps.setLong(1, id);
                    ps.setLong(2, id);
                    ps.executeUpdate();
                    acked.add(id);
                    id++;
                    LockSupportPause.pause();
                }
            } catch (java.sql.SQLException e) {
                LockSupportPause.pause(); // blue is restarting: the next id is tried once it accepts again
            }
        }
    }

    /** About 500 inserts a second at most. */
    private static final class LockSupportPause {
        static void pause() {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
    }
}
