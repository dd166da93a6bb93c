package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.Recovery;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.ReplicationStream.State;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.TcpProxy;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blue's path frozen (sockets open, no bytes, no reset) under a running writer: a freeze that
 * thaws is recovered from by itself, losing nothing; a freeze for good fails the stream within its
 * bound, with a message that says what gave up and which side.
 */
class PgFrozenPathIT {
    private static final Duration STALL = Duration.ofSeconds(10);
    private static PgPair pg;
    private static TcpProxy blueProxy;
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private Thread writer;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        blueProxy = TcpProxy.to("blue", "localhost", pg.blue.port());
    }

    @AfterAll
    static void stop() throws Exception {
        blueProxy.close();
        pg.close();
    }

    @AfterEach
    void stopWriter() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.interrupt();
            writer.join(5_000);
        }
        blueProxy.thaw();
    }

    /** Starts a light, paced writer straight to blue (not through the proxy): blue keeps changing while its path is frozen. */
    private void startWriter(String table) {
        writer = new Thread(() -> {
            while (writing.get()) {
                int id = written.incrementAndGet();
                pg.blue.exec("INSERT INTO " + table + " VALUES (" + id + ", 'x')");
                try {
                    Thread.sleep(20); // pacing the writer, not a wait for state
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "frz-writer");
        writer.start();
    }

    private ReplicationLink link(String name, String table, Duration budget) {
        return PostgresCutover.builder()
                .name(name)
                .blue(blueProxy.host(), blueProxy.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .green("localhost", pg.green.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .tables(table)
                .startTimeout(Duration.ofSeconds(20))
                .recoveryBudget(budget)
                .stallTimeout(STALL)
                .build();
    }

    private static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    @Test
    void frozenBluePathThatThaws_streamsAgainByItselfAndLosesNothing() throws Exception {
        Duration freeze = Duration.ofSeconds(25);
        pg.both("CREATE TABLE frz_thaw (id int PRIMARY KEY, v text)");
        try (ReplicationLink link = link("frzthaw", "frz_thaw", Duration.ofSeconds(60))) {
            ReplicationStream stream = link.stream();
            stream.start();
            stream.awaitFence(Duration.ofSeconds(30));
            startWriter("frz_thaw");
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 50);
            long frozenAt = System.nanoTime();
            blueProxy.freeze();
            await().atMost(STALL.plusSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.state() == State.RECOVERING);
            double noticed = since(frozenAt);
            AtomicInteger attempts = new AtomicInteger();
            // While frozen: RECOVERING with attempts that fail, never FAILED, and lag that grows.
            await().atMost(freeze.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
                stream.recovery().map(Recovery::attempts).ifPresent(a -> attempts.accumulateAndGet(a, Math::max));
                assertThat(stream.state()).isEqualTo(State.RECOVERING);
                return since(frozenAt) >= freeze.toSeconds();
            });
            assertThat(stream.state()).isEqualTo(State.RECOVERING);
            assertThat(stream.lag().behind()).isGreaterThan(STALL);
            blueProxy.thaw();
            long thawedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                stream.recovery().map(Recovery::attempts).ifPresent(a -> attempts.accumulateAndGet(a, Math::max));
                return stream.state() == State.STREAMING;
            });
            double streaming = since(thawedAt);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.lag().behind().compareTo(Duration.ofSeconds(1)) < 0);
            double caughtUp = since(thawedAt);
            writing.set(false);
            writer.join(5_000);
            stream.awaitFence(Duration.ofSeconds(30));
            System.out.printf(Locale.ROOT, "frozen blue path for %d s, then thawed: RECOVERING %.1f s after the freeze,"
                    + " STREAMING %.1f s after the thaw, lag < 1 s %.1f s after it, %d attempts, %d rows written%n",
                    freeze.toSeconds(), noticed, streaming, caughtUp, attempts.get(), written.get());
            assertThat(attempts.get()).isGreaterThanOrEqualTo(1);
            assertThat(pg.green.rows("SELECT id, v FROM frz_thaw ORDER BY id"))
                    .isEqualTo(pg.blue.rows("SELECT id, v FROM frz_thaw ORDER BY id"))
                    .hasSizeGreaterThan(50);
        }
    }

    @Test
    void frozenBluePathForGood_failsWithinItsBound() throws Exception {
        Duration budget = Duration.ofSeconds(20);
        pg.both("CREATE TABLE frz (id int PRIMARY KEY, v text)");
        try (ReplicationLink link = link("frz", "frz", budget)) {
            ReplicationStream stream = link.stream();
            stream.start();
            stream.awaitFence(Duration.ofSeconds(30));
            startWriter("frz");
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 50);
            long frozenAt = System.nanoTime();
            blueProxy.freeze();
            await().atMost(STALL.plusSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.state() == State.RECOVERING);
            // The bound: noticing (stall) + the budget + the deadline watch's grace, and a margin.
            Duration bound = STALL.plus(budget).plusSeconds(2 + 8);
            await().atMost(bound).pollInterval(Duration.ofMillis(100)).until(() -> stream.state() == State.FAILED);
            double seconds = since(frozenAt);
            Throwable failure = stream.failure().orElseThrow();
            System.out.printf(Locale.ROOT, "frozen blue path for good: FAILED %.1f s after the freeze: %s%n", seconds,
                    failure.getMessage());
            assertThat(failure.getMessage()).contains("gave up after recovering").contains("blue").contains("recoveryBudget");
            assertThat(seconds).isGreaterThanOrEqualTo(budget.toSeconds()).isLessThan(bound.toSeconds());
            // An application shutting down while blue is still frozen: the close is bounded, and leaves the slot.
            long closing = System.nanoTime();
            link.close();
            double closed = since(closing);
            System.out.printf(Locale.ROOT, "link closed in %.1f s with blue's path frozen%n", closed);
            assertThat(closed).isLessThan(20.0);
            blueProxy.thaw();
            assertThat(pg.blue.rows("SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'cutover_frz_b2g'"))
                    .as("left behind, as the WARN says").hasSize(1);
            // What the WARN says to run removes it (once the slot's walsender, frozen with the path, has ended).
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                pg.blue.exec("SELECT pg_drop_replication_slot('cutover_frz_b2g') FROM pg_replication_slots"
                        + " WHERE slot_name = 'cutover_frz_b2g' AND NOT active");
                return pg.blue.rows("SELECT 1 FROM pg_replication_slots WHERE slot_name = 'cutover_frz_b2g'").isEmpty();
            });
        }
    }
}
