package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream.State;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.TcpProxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A source path frozen for good (sockets open, no bytes): the stream must give up within its bound. */
class PgFrozenPathIT {
    private static final Duration STALL = Duration.ofSeconds(10);
    private static final Duration BUDGET = Duration.ofSeconds(30);
    private static PgPair pg;
    private static TcpProxy blueProxy;

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

    @Test
    void frozenBluePath_recoversThenFailsWithinItsBound() throws Exception {
        pg.both("CREATE TABLE frz (id int PRIMARY KEY, v text)");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                int id = written.incrementAndGet();
                pg.blue.exec("INSERT INTO frz VALUES (" + id + ", 'x')");
                try {
                    Thread.sleep(20); // a light, paced writer, not a wait for state
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "frz-writer");
        try (ReplicationLink link = PostgresCutover.builder()
                .name("frz")
                .blue(blueProxy.host(), blueProxy.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .green("localhost", pg.green.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .tables("frz")
                .startTimeout(Duration.ofSeconds(30))
                .recoveryBudget(BUDGET)
                .stallTimeout(STALL)
                .build()) {
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(30));
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 50);
            long frozenAt = System.nanoTime();
            blueProxy.freeze();
            await().atMost(STALL.plusSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> link.stream().state() == State.RECOVERING);
            // The bound: noticing (stall) + the budget + one bounded call and one abandoned engine close.
            Duration bound = STALL.plus(BUDGET).plusSeconds(60 + 30 + 30);
            await().atMost(bound).pollInterval(Duration.ofMillis(100))
                    .until(() -> link.stream().state() == State.FAILED);
            double seconds = (System.nanoTime() - frozenAt) / 1e9;
            Throwable failure = link.stream().failure().orElseThrow();
            System.out.printf("frozen blue path: FAILED %.1f s after the freeze: %s%n", seconds, failure.getMessage());
            assertThat(failure.getMessage()).contains("gave up after recovering").contains("blue");
            assertThat(seconds).isLessThan(bound.toSeconds());
            // Thawed before the link closes, so its teardown reaches blue (dropping the slot) at once.
            blueProxy.thaw();
        } finally {
            writing.set(false);
            writer.interrupt();
            writer.join(5_000);
            blueProxy.thaw();
        }
    }
}
