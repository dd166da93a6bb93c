package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationStream;
import io.cutover.ReplicationLink;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MariaDB bulk copy starts the engine as soon as its snapshot is open: the engine streams
 * while the rows are still being copied, and its changes wait for the copy. Each test holds the
 * copy part-way with a gate (a trigger on green whose row lock the test holds), so that "the
 * engine runs while copying" is a fact the test waits for, not a race it hopes to win.
 */
class EarlyEngineIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int ROWS = 200_000;
    private static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, k INT NOT NULL, v VARCHAR(80))";

    private static MariaDbServer blue;
    private static MariaDbServer green;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 1101, "green", 1102);
        blue = pair.blue();
        green = pair.green();
        // The copy waits at the gate for as long as a test needs (the default gives up after 50 s).
        green.exec("mysql", "SET GLOBAL innodb_lock_wait_timeout = 600");
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    // Items on both sides, ROWS of them on blue; on green a gate the copy passes at ROWS / 2.
    private static void schema(String db) throws SQLException {
        Accounts.create(blue, db);
        Accounts.create(green, db);
        blue.exec(db, ITEMS);
        green.exec(db, ITEMS);
        blue.exec(db, "INSERT INTO items SELECT seq, seq % 1000, CONCAT('v', seq) FROM seq_1_to_" + ROWS);
        green.exec(db, "CREATE TABLE gate (id INT PRIMARY KEY, g INT NOT NULL)", "INSERT INTO gate VALUES (1, 0)",
                "CREATE TRIGGER gated BEFORE INSERT ON items FOR EACH ROW"
                        + " IF NEW.id = " + ROWS / 2 + " THEN UPDATE gate SET g = g + 1 WHERE id = 1; END IF");
    }

    private static MySqlCutover.Builder builder(String db, String name, long serverId) {
        return Accounts.cutover(blue, green, state, db, name, serverId).startTimeout(Duration.ofSeconds(60));
    }

    // Closes the gate: the copy blocks on the gate's row lock until the returned connection rolls back.
    private static Connection closeGate(String db) throws SQLException {
        Connection c = green.admin(db);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("UPDATE gate SET g = g + 1 WHERE id = 1");
        }
        return c;
    }

    // Debezium's binlog client runs on a thread named after the server it reads: the engine is
    // past its start-up (schema rebuilt) and streaming from blue.
    private static boolean binlogClientRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("blc-") && t.getName().endsWith(":" + blue.port()));
    }

    // Each live thread of a stream, with where it is.
    private static List<String> streamThreads(String stream) {
        return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().isAlive())
                .filter(e -> {
                    String n = e.getKey().getName();
                    return n.endsWith(stream) || n.contains(CaptureProperties.topicPrefix(stream))
                            || n.startsWith("blc-") && n.endsWith(":" + blue.port());
                })
                .map(e -> e.getKey().getName() + " " + java.util.Arrays.toString(e.getValue()))
                .toList();
    }

    private static void awaitEngineWhileCopying(ReplicationStream stream) {
        // The gate keeps the copy from finishing, however long the engine takes to start.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(EarlyEngineIT::binlogClientRunning);
        assertThat(stream.state()).as("still copying with the engine running").isEqualTo(ReplicationStream.State.COPYING);
    }

    private static void awaitStreaming(ReplicationStream stream) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(stream.state()).isNotEqualTo(ReplicationStream.State.FAILED);
            return stream.state() == ReplicationStream.State.STREAMING;
        });
    }

    private static void assertSame(String db) throws SQLException {
        assertThat(TablesCompared.rows(green, db, "items", "id"))
                .containsExactlyElementsOf(TablesCompared.rows(blue, db, "items", "id"));
    }

    /** Writers committing on blue until stopped: each round bumps a counter, deletes a row and inserts a new one. */
    private static final class Writers implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failed = new AtomicReference<>();
        private final AtomicLong rounds = new AtomicLong();
        private final CountDownLatch warmedUp;
        private final List<Thread> threads = new ArrayList<>();

        Writers(String db, int count) {
            warmedUp = new CountDownLatch(count);
            for (int w = 0; w < count; w++) {
                int me = w;
                Thread t = new Thread(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    try (Connection c = blue.admin(db); Statement st = c.createStatement()) {
                        for (long i = 0; !stop.get(); i++) {
                            // A lost change leaves k behind, a doubled one puts it ahead.
                            st.execute("UPDATE items SET k = k + 1, v = 'w" + me + "' WHERE id = " + (1 + r.nextLong(ROWS)));
                            st.execute("DELETE FROM items WHERE id = " + (1 + r.nextLong(ROWS)));
                            st.execute("INSERT INTO items (id, k, v) VALUES (" + (1_000_000L * (me + 1) + i) + ", 1, 'new')");
                            rounds.incrementAndGet();
                            if (i == 20) {
                                warmedUp.countDown();
                            }
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                        warmedUp.countDown();
                    }
                }, "writer-" + db + "-" + w);
                t.start();
                threads.add(t);
            }
        }

        void awaitWarmedUp() throws InterruptedException {
            assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
        }

        // Waits for some more rounds than now, so that changes keep coming across a step.
        void awaitMore(long more) {
            long target = rounds.get() + more;
            await().atMost(WAIT).until(() -> rounds.get() >= target || failed.get() != null);
            assertThat(failed.get()).isNull();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failed.get()).isNull();
        }
    }

    @Test
    void writersThroughoutACopy_withTheEngineRunningEarly_greenEqualsBlue() throws Exception {
        String db = "e_writers";
        schema(db);
        try (Writers writers = new Writers(db, 3); Connection gate = closeGate(db);
                ReplicationLink link = builder(db, "early", 9101).tables("items").build()) {
            writers.awaitWarmedUp();
            ReplicationStream stream = link.stream();
            stream.start();
            awaitEngineWhileCopying(stream);
            // The engine reads blue's binlog while the copy waits: these changes are held for it.
            writers.awaitMore(200);
            gate.rollback();
            awaitStreaming(stream);
            writers.awaitMore(100);
            writers.close();
            stream.awaitFence(Duration.ofSeconds(60));
            assertSame(db);
        }
    }

    @Test
    void stopWhileCopying_withTheEngineRunning_leavesNoThread_andARestartMatches() throws Exception {
        String db = "e_stop";
        schema(db);
        String streamName = "stopped_blue_to_green";
        try (Writers writers = new Writers(db, 2); Connection gate = closeGate(db);
                ReplicationLink link = builder(db, "stopped", 9111).tables("items").build()) {
            writers.awaitWarmedUp();
            ReplicationStream stream = link.stream();
            stream.start();
            awaitEngineWhileCopying(stream);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(stream::stop);
            await().atMost(WAIT).until(() -> stream.state() == ReplicationStream.State.STOPPED);
            // The copy's writer sits in a row lock no interrupt reaches; let it go so it sees the stop.
            gate.rollback();
            stopping.get(60, TimeUnit.SECONDS);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(streamThreads(streamName)).as("threads of the stopped stream").isEmpty());

            blue.exec(db, "DELETE FROM items WHERE id <= 1000");
            stream.start();
            awaitStreaming(stream);
            writers.awaitMore(100);
            writers.close();
            stream.awaitFence(Duration.ofSeconds(60));
            assertSame(db);
        }
    }
}
