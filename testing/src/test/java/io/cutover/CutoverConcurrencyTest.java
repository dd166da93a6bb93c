package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationLink;
import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.RecordingDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many writers through one switcher while cutovers, rollbacks and aborts run back to back. Every
 * write is checked against the side that was live when it executed, and every drain against the
 * connections open at that moment.
 */
class CutoverConcurrencyTest {
    private static final int WRITERS = 16;
    private static final int ROUNDS = 1_200;

    private final RecordingDataSource blue = RecordingDataSource.named("blue");
    private final RecordingDataSource green = RecordingDataSource.named("green");
    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acknowledged = new AtomicLong();
    private final ConcurrentLinkedQueue<Throwable> writerErrors = new ConcurrentLinkedQueue<>();

    @Test
    void writersNeverReachTheOldSide_drainsWaitForAll_andAbortsLetWritersGoOn() throws Exception {
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            Thread t = new Thread(this::write, "writer-" + i);
            t.start();
            writers.add(t);
        }
        // flip marks: sequence number at the flip -> side live from then on
        TreeMap<Long, Side> liveFrom = new TreeMap<>();
        liveFrom.put(0L, Side.BLUE);
        List<String> openAtDrain = new ArrayList<>();
        CutoverListener drainProbe = new CutoverListener() {
            @Override
            public void phaseFinished(String cutover, Phase phase, Duration took) {
                if (phase == Phase.PAUSE && blue.openConnections() + green.openConnections() != 0) {
                    openAtDrain.add("after drain: blue " + blue.openConnections() + " green " + green.openConnections());
                }
                if (phase == Phase.FLIP) {
                    liveFrom.put(RecordingDataSource.mark(), switcher.current());
                }
            }
        };

        ReplicationLink link = FakeReplicationLink.from(Side.BLUE);
        link.stream().start();
        int flips = 0;
        int aborts = 0;
        for (int round = 0; round < ROUNDS; round++) {
            if (round % 50 == 49) {
                abortWithAWriterHoldingOn(link);
                aborts++;
                continue;
            }
            Cutover cutover = Cutover.builder().name("round-" + round).switcher(switcher).link(link)
                    .drainBudget(Duration.ofSeconds(5)).totalBudget(Duration.ofSeconds(10)).listener(drainProbe).build();
            cutover.execute();
            flips++;
            link = cutover.reverseLink().orElseThrow();
        }
        running.set(false);
        for (Thread t : writers) {
            t.join(10_000);
        }

        assertThat(writerErrors).isEmpty();
        assertThat(openAtDrain).isEmpty();
        assertThat(flips).isGreaterThanOrEqualTo(1_000);
        assertThat(aborts).isEqualTo(ROUNDS / 50);
        List<RecordingDataSource.Executed> all = new ArrayList<>(blue.statements());
        all.addAll(green.statements());
        assertThat(all).hasSize((int) acknowledged.get());
        List<String> misplaced = new ArrayList<>();
        for (RecordingDataSource.Executed e : all) {
            Map.Entry<Long, Side> live = liveFrom.floorEntry(e.sequence());
            if (!live.getValue().toString().equals(e.dataSource())) {
                misplaced.add(e + " ran on " + e.dataSource() + " while " + live.getValue() + " was live");
            }
        }
        assertThat(misplaced).isEmpty();
        assertThat(blue.openConnections() + green.openConnections()).isZero();
        assertThat(switcher.pauser().inFlight()).isZero();
    }

    /** A writer keeps a connection past the drain budget: the cutover aborts and everyone goes on. */
    private void abortWithAWriterHoldingOn(ReplicationLink link) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Thread slow = new Thread(() -> {
            try (Connection c = switcher.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("insert slow");
                acknowledged.incrementAndGet();
                holding.countDown();
                letGo.await();
            } catch (Exception e) {
                writerErrors.add(e);
            }
        }, "slow-writer");
        slow.start();
        holding.await();
        Side before = switcher.current();
        Cutover doomed = Cutover.builder().switcher(switcher).link(link).drainBudget(Duration.ofMillis(5)).build();
        try {
            doomed.execute();
            writerErrors.add(new AssertionError("cutover did not abort with a writer holding on"));
        } catch (CutoverAbortedException expected) {
            assertThat(expected.phase()).isEqualTo(Phase.PAUSE);
        }
        assertThat(switcher.current()).isEqualTo(before);
        long progress = acknowledged.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.get() > progress + WRITERS);
        letGo.countDown();
        slow.join(10_000);
    }

    private void write() {
        long n = 0;
        while (running.get()) {
            try (Connection c = switcher.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("insert " + Thread.currentThread().getName() + " " + n++);
                acknowledged.incrementAndGet();
                if (n % 7 == 0) {
                    s.executeUpdate("update " + Thread.currentThread().getName());
                    acknowledged.incrementAndGet();
                }
            } catch (SQLTransientConnectionException paused) {
                // a writer may wait out its bound during a long pause; it retries, nothing was written
            } catch (SQLException | RuntimeException e) {
                writerErrors.add(e);
                return;
            }
        }
    }
}
