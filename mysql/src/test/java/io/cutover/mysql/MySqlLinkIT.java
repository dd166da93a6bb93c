package io.cutover.mysql;

import io.cutover.testservers.ServerPair;

import io.cutover.testservers.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.Fence;
import io.cutover.ReplicationStream;
import io.cutover.scenario.CrashResumeScenario;
import io.cutover.scenario.Sides;
import io.cutover.ReplicationLink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MySqlCutover}'s link on real MariaDB servers, through core's capture host: streaming with
 * the type matrix, crash and resume (the shared scenario), the fence, the guard, the AUTO_INCREMENT hand-off, and the
 * reverse stream with a rollback. Each test uses its own schema on one pair of servers.
 */
class MySqlLinkIT extends CrashResumeScenario {
    private static final String CRASH_DB = "s_crash";
    private static final String ALL_TYPES = "CREATE TABLE all_types ("
            + " id INT PRIMARY KEY,"
            + " ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,"
            + " mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,"
            + " dec_ DECIMAL(30,10), f FLOAT, d DOUBLE, b1 BIT(1), b13 BIT(13), b64 BIT(64), bool_ BOOLEAN,"
            + " c CHAR(10), vc VARCHAR(100), tx TEXT, ltx LONGTEXT,"
            + " bin BINARY(4), vbin VARBINARY(50), bl BLOB,"
            + " dt DATE, tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, yr YEAR,"
            + " js JSON, en ENUM('a','b','c'), st SET('x','y','z')"
            + ") CHARACTER SET utf8mb4";
    private static final String MAX_ROW = "INSERT INTO all_types VALUES (%d,"
            + " 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
            + " 9223372036854775807, 18446744073709551615,"
            + " 12345678901234567890.0123456789, 3.14159, 2.718281828459045, b'1', b'1010101010101',"
            + " b'1111111111111111111111111111111111111111111111111111111111111111', TRUE,"
            + " 'abc', 'héllo wörld 😀', '日本語 🎉 text', REPEAT('long😀', 20000),"
            + " 0x00010203, 0xDEADBEEF00, 0x00FF00FF7F80,"
            + " '2024-02-29', '-838:59:59.000000', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', 2155,"
            + " '{\"a\": [1, 2, {\"b\": \"😀\"}]}', 'c', 'x,z')";
    private static final String MIN_ROW = "INSERT INTO all_types VALUES (%d,"
            + " -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
            + " -99999999999999999999.9999999999, -1.5e-10, -1.7976931348623157e308, b'0', b'0', b'0', FALSE,"
            + " '', '', '', '',"
            + " 0x00000000, '', '',"
            + " '1000-01-01', '838:59:59.999999', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000', 1901,"
            + " '[]', 'a', '')";

    private static MariaDbServer blue;
    private static MariaDbServer green;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() throws Exception {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 501, "green", 502);
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

    private static MariaDbSides crashSides;

    /** The crash scenario's database, made on first use. */
    @Override
    protected Sides sides() {
        if (crashSides == null) {
            crashSides = MariaDbSides.onNewDatabase(blue, green, CRASH_DB, state, 7011);
        }
        return crashSides;
    }

    @Override
    protected String[] applyLog(String table) {
        return new String[] {
            "CREATE TRIGGER " + table + "_ins AFTER INSERT ON " + table + " FOR EACH ROW INSERT INTO " + table
                    + "_log VALUES (NEW.id, NEW.v)",
            "CREATE TRIGGER " + table + "_upd AFTER UPDATE ON " + table + " FOR EACH ROW INSERT INTO " + table
                    + "_log VALUES (NEW.id, NEW.v)"
        };
    }

    private static void schema(String db, String... ddl) {
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, db);
            s.exec(db, ddl);
        }
    }

    private static MySqlCutover.Builder builder(String db, String name, long serverId) {
        return Accounts.cutover(blue, green, state, db, name, serverId)
                .appUsers(Accounts.APP);
    }

    private static void on(MariaDbServer server, String db, String... sql) throws SQLException {
        try (Connection c = server.admin(db); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static void awaitSame(String db, String table, String orderBy) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(TablesCompared.rows(green, db, table, orderBy))
                        .containsExactlyElementsOf(TablesCompared.rows(blue, db, table, orderBy)));
    }

    private static long count(MariaDbServer server, String db, String table) throws SQLException {
        try (Connection c = server.admin(db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void stream_copiesThenStreamsEveryType_andTheFenceProvesCatchUp() throws Exception {
        schema("s_matrix", ALL_TYPES);
        on(blue, "s_matrix", String.format(MAX_ROW, 1), String.format(MIN_ROW, 2));
        try (ReplicationLink link = builder("s_matrix", "matrix", 7001).tables("all_types").build()) {
            link.preflight();
            ReplicationStream stream = link.stream();
            stream.start();
            // start() returns while the bulk copy runs; the stream streams once it is done.
            assertThat(stream.state()).isIn(ReplicationStream.State.COPYING, ReplicationStream.State.STREAMING);
            on(blue, "s_matrix", String.format(MAX_ROW, 3), String.format(MIN_ROW, 4),
                    "INSERT INTO all_types (id) VALUES (5)",
                    "UPDATE all_types SET biu = 18446744073709551614, vc = 'updated 🚀', ts = '2001-02-03 04:05:06.000007',"
                            + " b64 = b'1000000000000000000000000000000000000000000000000000000000000001' WHERE id = 3",
                    "UPDATE all_types SET ti = NULL, js = NULL, bl = NULL, st = 'x,y,z' WHERE id = 1",
                    "UPDATE all_types SET vc = 'from null', tm = '-00:00:00.5' WHERE id = 5",
                    "DELETE FROM all_types WHERE id = 2");

            Fence fence = stream.awaitFence(Duration.ofSeconds(30));
            // No waiting after the fence: it is the proof that green has everything.
            assertThat(TablesCompared.rows(green, "s_matrix", "all_types", "id"))
                    .containsExactlyElementsOf(TablesCompared.rows(blue, "s_matrix", "all_types", "id"))
                    .hasSize(4);
            assertThat(fence.id()).isPositive();
            assertThat(stream.appliedPosition().value()).startsWith("binlog ");
            System.out.println("fence waited " + fence.waited().toMillis() + " ms; lag " + stream.lag());
            // Verify reads every type as the stream writes it: no false difference, and a real one found.
            io.cutover.VerifyReport clean = link.verify();
            assertThat(clean.isClean()).as(clean.summary()).isTrue();
            on(green, "s_matrix", "UPDATE all_types SET tm = '-838:59:58', b13 = b'1' WHERE id = 3");
            assertThat(link.verify().tables().get(0).reported()).singleElement()
                    .satisfies(d -> assertThat(d.columns()).containsExactlyInAnyOrder("tm", "b13"));
        }
    }

    @Test
    void fence_onAnIdleStream_isAppliedInTensOfMilliseconds() throws Exception {
        schema("s_latency", "CREATE TABLE items (id INT PRIMARY KEY, n INT NOT NULL)");
        try (ReplicationLink link = builder("s_latency", "latency", 7051).tables("items").build()) {
            link.preflight();
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(30)); // the first one pays for warming up
            List<Long> waits = new java.util.ArrayList<>();
            for (int i = 0; i < 15; i++) {
                on(blue, "s_latency", "INSERT INTO items VALUES (" + i + ", " + i + ")");
                waits.add(link.stream().awaitFence(Duration.ofSeconds(30)).waited().toMillis());
            }
            java.util.Collections.sort(waits);
            System.out.println("idle commit -> applied (fence) ms: p50 " + waits.get(7) + ", max " + waits.get(14));
            assertThat(waits.get(7)).as("median fence wait, ms").isLessThan(500);
            assertThat(TablesCompared.rows(green, "s_latency", "items", "id")).hasSize(15);
        }
    }

    @Test
    void guard_refusesADirectWriterOnBlue_whileTheStreamAndFenceGoOn() throws Exception {
        schema("s_guard", "CREATE TABLE items (id INT PRIMARY KEY, n INT NOT NULL)");
        try (ReplicationLink link = builder("s_guard", "guard", 7021).tables("items").build()) {
            link.preflight();
            link.stream().start();
            on(blue, "s_guard", "INSERT INTO items VALUES (1, 1)");
            link.sourceGuard().engage();
            try {
                assertThatThrownBy(() -> {
                    try (Connection c = Accounts.endpoint(blue, "s_guard", Accounts.APP).connect();
                            Statement st = c.createStatement()) {
                        st.executeUpdate("INSERT INTO items VALUES (2, 2)");
                    }
                }).isInstanceOf(SQLException.class).hasMessageContaining("read-only");
                link.stream().awaitFence(Duration.ofSeconds(30));
                assertThat(count(green, "s_guard", "items")).isEqualTo(1);
            } finally {
                link.sourceGuard().release();
            }
            assertThat(link.sourceGuard().engaged()).isFalse();
        }
    }

    @Test
    void handoff_letsInsertsOnGreenSucceedAfterTheStreamCopiedBlue() throws Exception {
        schema("s_ai", "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20))");
        on(blue, "s_ai", "INSERT INTO orders (note) SELECT CONCAT('n', seq) FROM seq_1_to_500",
                "DELETE FROM orders WHERE id > 400");
        try (ReplicationLink link = builder("s_ai", "ai", 7031).tables("orders").sequenceHeadroom(100).build()) {
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(30));
            awaitSame("s_ai", "orders", "id");
            List<String> moved = link.keyHandoff().handOff();
            assertThat(moved).singleElement().asString().startsWith("orders.id: ");
            try (Connection c = Accounts.endpoint(green, "s_ai", Accounts.APP).connect(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO orders (note) VALUES ('on green')");
                try (ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("past every id blue ever handed out").isGreaterThan(500);
                }
            }
        }
    }

    @Test
    void reverse_capturesEveryWriteOnGreenAfterThePause_andARollbackLosesNothing() throws Exception {
        schema("s_rev", "CREATE TABLE items (id INT PRIMARY KEY, n INT NOT NULL)");
        on(blue, "s_rev", "INSERT INTO items SELECT seq, seq FROM seq_1_to_100");
        ReplicationLink forward = builder("s_rev", "rev", 7041).tables("items").build();
        forward.preflight();
        forward.stream().start();
        on(blue, "s_rev", "UPDATE items SET n = n * 10 WHERE id <= 10");

        // The pause, as the orchestrator runs it.
        forward.sourceGuard().engage();
        forward.stream().awaitFence(Duration.ofSeconds(30));
        forward.stream().stop();
        forward.keyHandoff().handOff();
        ReplicationLink reverse = forward.prepareReverse();
        forward.close();
        // Flip: the application writes on green before the reverse stream even started.
        on(green, "s_rev", "INSERT INTO items VALUES (1001, 1)", "UPDATE items SET n = -1 WHERE id = 5",
                "DELETE FROM items WHERE id = 6");
        reverse.stream().start();
        on(green, "s_rev", "INSERT INTO items VALUES (1002, 2)");
        reverse.stream().awaitFence(Duration.ofSeconds(30));
        assertThat(TablesCompared.rows(blue, "s_rev", "items", "id"))
                .containsExactlyElementsOf(TablesCompared.rows(green, "s_rev", "items", "id"));
        assertThat(count(blue, "s_rev", "items")).isEqualTo(101);

        // Rollback: the same steps over the reverse link; blue's guard comes off for the app.
        reverse.sourceGuard().engage();
        reverse.stream().awaitFence(Duration.ofSeconds(30));
        reverse.stream().stop();
        reverse.keyHandoff().handOff();
        ReplicationLink again = reverse.prepareReverse();
        reverse.close();
        forward.sourceGuard().release();
        on(blue, "s_rev", "INSERT INTO items VALUES (2001, 3)", "DELETE FROM items WHERE id = 1001");
        again.stream().start();
        again.stream().awaitFence(Duration.ofSeconds(30));
        assertThat(TablesCompared.rows(green, "s_rev", "items", "id"))
                .containsExactlyElementsOf(TablesCompared.rows(blue, "s_rev", "items", "id"));
        reverse.sourceGuard().release();
        again.close();
    }
}
