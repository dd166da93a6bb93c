package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationStream;
import io.cutover.Row;
import io.cutover.RowTransform;
import io.cutover.ReplicationLink;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The bulk initial copy on real MariaDB servers: snapshot and binlog position meet exactly under
 * concurrent writers, a copy cut short is discarded and redone, a non-empty target gets upserts,
 * transforms apply to copied rows, and a restart after the copy streams from its offset. Each
 * test has its own schema on one pair of servers.
 */
class BulkCopyIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ITEMS = "CREATE TABLE items (id BIGINT PRIMARY KEY, k INT NOT NULL, v VARCHAR(80),"
            + " at TIMESTAMP(6) NULL, b BLOB)";

    private static MariaDbServer blue;
    private static MariaDbServer green;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 601, "green", 602);
        blue = pair.blue();
        green = pair.green();
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static void schema(String db, String blueDdl, String greenDdl) {
        Accounts.create(blue, db);
        Accounts.create(green, db);
        blue.exec(db, blueDdl);
        green.exec(db, greenDdl);
    }

    private static MySqlCutover.Builder builder(String db, String name, long serverId) {
        return Accounts.cutover(blue, green, state, db, name, serverId).startTimeout(Duration.ofSeconds(60));
    }

    private static long count(MariaDbServer server, String db, String table) throws SQLException {
        try (Connection c = server.admin(db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void fill(String db, int rows) throws SQLException {
        blue.exec(db, "INSERT INTO items SELECT seq, seq % 1000, CONCAT('v\\t', seq, '\\n\\\\'), NOW(6) - INTERVAL seq SECOND,"
                + " IF(seq % 3 = 0, NULL, UNHEX(MD5(seq))) FROM seq_1_to_" + rows);
    }

    private static void assertSame(String db, String table) throws SQLException {
        assertThat(TablesCompared.rows(green, db, table, "id"))
                .containsExactlyElementsOf(TablesCompared.rows(blue, db, table, "id"));
    }

    private static void awaitStreaming(ReplicationStream stream) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(stream.state()).isNotEqualTo(ReplicationStream.State.FAILED);
            return stream.state() == ReplicationStream.State.STREAMING;
        });
    }

    @Test
    void copy_underConcurrentWriters_meetsTheStreamExactly() throws Exception {
        String db = "c_writers";
        schema(db, ITEMS, ITEMS);
        fill(db, 100_000);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicLong ops = new AtomicLong();
        CountDownLatch warmedUp = new CountDownLatch(3);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int me = w;
            Thread t = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                try (Connection c = blue.admin(db); Statement st = c.createStatement()) {
                    for (long i = 0; !stop.get(); i++) {
                        long id = 1 + r.nextLong(100_000);
                        st.execute("UPDATE items SET k = k + 1, v = 'w" + me + "' WHERE id = " + id);
                        st.execute("DELETE FROM items WHERE id = " + (1 + r.nextLong(100_000)));
                        st.execute("INSERT INTO items (id, k, v) VALUES (" + (1_000_000 + me * 1_000_000L + i) + ", 1, 'new')");
                        ops.incrementAndGet();
                        if (i == 20) {
                            warmedUp.countDown();
                        }
                    }
                } catch (Throwable e) {
                    failed.set(e);
                    warmedUp.countDown();
                }
            }, "writer-" + w);
            t.start();
            writers.add(t);
        }
        try (ReplicationLink link = builder(db, "writers", 9001).tables("items").build()) {
            assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
            long before = ops.get();
            link.stream().start();
            awaitStreaming(link.stream());
            long during = ops.get() - before;
            // Some more after the copy, so that the stream carries changes too.
            long target = ops.get() + 50;
            await().atMost(WAIT).until(() -> ops.get() >= target || failed.get() != null);
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            assertThat(failed.get()).isNull();
            link.stream().awaitFence(Duration.ofSeconds(60));
            assertSame(db, "items");
            System.out.println("writers: " + during + " rounds committed while the copy ran");
            assertThat(during).as("writes committed while the copy ran").isPositive();
        }
    }

    @Test
    void copy_failingPartWay_isDiscardedAndRedone_onTheNextStart() throws Exception {
        String db = "c_redo";
        schema(db, ITEMS, ITEMS);
        fill(db, 150_000);
        // Fails the copy after its first chunks landed (each chunk commits on its own).
        green.exec(db, "CREATE TRIGGER boom BEFORE INSERT ON items FOR EACH ROW"
                + " IF NEW.id = 120000 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF");
        try (ReplicationLink link = builder(db, "redo", 9011).tables("items").build()) {
            ReplicationStream stream = link.stream();
            stream.start();
            await().atMost(WAIT).until(() -> stream.state() == ReplicationStream.State.FAILED);
            assertThat(stream.failure()).get().asString().contains("initial copy failed");
            assertThat(count(green, db, "items")).as("rows the failed copy left").isPositive();

            green.exec(db, "DROP TRIGGER boom");
            // Rows the first copy wrote and blue deletes now must not survive the redo.
            blue.exec(db, "DELETE FROM items WHERE id <= 5000", "UPDATE items SET v = 'changed' WHERE id % 100 = 0");
            stream.start();
            awaitStreaming(stream);
            blue.exec(db, "INSERT INTO items (id, k) VALUES (999999, 9)");
            stream.awaitFence(Duration.ofSeconds(60));
            assertSame(db, "items");
        }
    }

    @Test
    void copy_stoppedWhileCopying_thenStartedAgain_converges() throws Exception {
        String db = "c_stop";
        schema(db, ITEMS, ITEMS);
        fill(db, 300_000);
        try (ReplicationLink link = builder(db, "stopped", 9021).tables("items").build()) {
            ReplicationStream stream = link.stream();
            stream.start();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> count(green, db, "items") > 0
                    || stream.state() != ReplicationStream.State.COPYING);
            boolean stoppedMidCopy = stream.state() == ReplicationStream.State.COPYING;
            stream.stop();
            blue.exec(db, "DELETE FROM items WHERE id <= 1000");
            stream.start();
            awaitStreaming(stream);
            stream.awaitFence(Duration.ofSeconds(60));
            assertSame(db, "items");
            System.out.println("stopped while copying: " + stoppedMidCopy);
        }
    }

    @Test
    void status_whileCopying_showsTheTablesAndTheEstimate_thenNoCopy() throws Exception {
        String db = "c_status";
        schema(db, ITEMS, ITEMS);
        blue.exec(db, ITEMS.replace("items", "others"));
        green.exec(db, ITEMS.replace("items", "others"));
        fill(db, 200_000);
        blue.exec(db, "INSERT INTO others SELECT * FROM items WHERE id <= 50000", "ANALYZE TABLE items, others");
        try (ReplicationLink link = builder(db, "status", 9031).tables("items", "others").build()) {
            ReplicationStream stream = link.stream();
            AtomicReference<io.cutover.StreamStatus> seen = new AtomicReference<>();
            stream.start();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() -> {
                io.cutover.StreamStatus s = stream.status();
                assertThat(s.state()).isNotEqualTo(ReplicationStream.State.FAILED);
                if (s.copy() != null && s.copy().rowsCopied() > 0) {
                    seen.set(s);
                    return true;
                }
                return false;
            });
            io.cutover.CopyStatus copy = seen.get().copy();
            assertThat(copy.tablesTotal()).isEqualTo(2);
            // InnoDB's statistics are within about a factor of two of the 250,000 rows.
            assertThat(copy.rowsEstimated()).isBetween(125_000L, 500_000L);
            assertThat(copy.rowsCopied()).isBetween(1L, 250_000L);
            awaitStreaming(stream);
            stream.awaitFence(Duration.ofSeconds(60));
            assertThat(stream.status().copy()).isNull();
            assertThat(stream.status().lastError()).isNull();
            assertThat(count(green, db, "others")).isEqualTo(50_000);
        }
    }

    @Test
    void copy_intoANonEmptyTarget_upserts() throws Exception {
        String db = "c_upsert";
        schema(db, ITEMS, ITEMS);
        fill(db, 5_000);
        // Green already holds stale versions of some keys and a row blue does not have.
        green.exec(db, "INSERT INTO items (id, k, v) SELECT seq, -1, 'stale' FROM seq_1_to_2000",
                "INSERT INTO items (id, k, v) VALUES (777777, 7, 'only on green')");
        try (ReplicationLink link = builder(db, "upsert", 9031).tables("items").build()) {
            link.stream().start();
            awaitStreaming(link.stream());
            link.stream().awaitFence(Duration.ofSeconds(60));
            List<String> greenRows = TablesCompared.rows(green, db, "items", "id");
            assertThat(greenRows).hasSize(5_001).containsAll(TablesCompared.rows(blue, db, "items", "id"));
            assertThat(count(green, db, "items WHERE v = 'stale'")).isZero();
        }
    }

    @Test
    void copy_withATransform_addsThePhoneToEveryCopiedRow() throws Exception {
        String db = "c_phone";
        schema(db, "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100) NOT NULL)",
                "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100) NOT NULL,"
                        + " phone VARCHAR(30) NOT NULL)");
        blue.exec(db, "INSERT INTO users SELECT seq, CONCAT('User ', seq), CONCAT('u', seq, '@example.org')"
                + " FROM seq_1_to_5000");
        RowTransform v1ToV2 = row -> {
            Map<String, Object> v = new LinkedHashMap<>(row.values());
            if (v.containsKey("email")) {
                v.put("phone", "+1-555-" + row.get("id"));
            }
            return new Row(row.table(), v);
        };
        RowTransform v2ToV1 = row -> {
            Map<String, Object> v = new LinkedHashMap<>(row.values());
            v.remove("phone");
            return new Row(row.table(), v);
        };
        try (ReplicationLink link = builder(db, "phone", 9041).tables("users").transform("users", v1ToV2, v2ToV1).build()) {
            link.stream().start();
            awaitStreaming(link.stream());
            blue.exec(db, "INSERT INTO users VALUES (5001, 'Streamed', 's@example.org')");
            link.stream().awaitFence(Duration.ofSeconds(60));
            assertThat(count(green, db, "users")).isEqualTo(5001);
            assertThat(count(green, db, "users WHERE phone = CONCAT('+1-555-', id)")).isEqualTo(5001);
            assertThat(TablesCompared.rows(green, db, "users", "id").get(41)).contains("name=" + bytes("User 42"));
        }
    }

    private static String bytes(String s) {
        return java.util.Arrays.toString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void restart_afterTheCopy_streamsFromItsOffsetWithTheStoredHistory() throws Exception {
        String db = "c_restart";
        schema(db, ITEMS, ITEMS);
        fill(db, 10_000);
        try (ReplicationLink link = builder(db, "restart", 9051).tables("items").build()) {
            ReplicationStream stream = link.stream();
            stream.start();
            awaitStreaming(stream);
            stream.awaitFence(Duration.ofSeconds(60));
            stream.stop();
            Path history = state.resolve(CaptureProperties.topicPrefix("restart_blue_to_green") + "-schema-history.dat");
            assertThat(history).exists();
            assertThat(Files.size(history)).isPositive();
            blue.exec(db, "UPDATE items SET k = -k WHERE id <= 100", "DELETE FROM items WHERE id > 9000",
                    "INSERT INTO items (id, k) VALUES (20001, 1)");
            stream.start();
            assertThat(stream.state()).as("no copy the second time").isEqualTo(ReplicationStream.State.STREAMING);
            stream.awaitFence(Duration.ofSeconds(60));
            assertSame(db, "items");
        }
    }
}
