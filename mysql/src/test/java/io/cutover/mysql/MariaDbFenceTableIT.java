package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence table on MariaDB sources is a MEMORY table, so that a fence's commit inside the
 * write pause needs no InnoDB redo-log fsync: it is created so on blue (forward stream) and on
 * green (reverse stream), and a fence still proves catch-up after blue restarts, which empties
 * the table and logs a {@code TRUNCATE TABLE} in the binlog.
 */
class MariaDbFenceTableIT {
    private static final String DB = "s_fence";
    private static MariaDbServer blue;
    private static MariaDbServer green;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 561, "green", 562);
        blue = pair.blue();
        green = pair.green();
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
            s.exec(DB, "CREATE TABLE items (id INT PRIMARY KEY, n INT NOT NULL)");
        }
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void fenceTable_onEachSource_isMemory_soAFenceCommitNeedsNoInnoDbFsync() throws Exception {
        try (ReplicationLink forward = Accounts.cutover(blue, green, state, DB, "engine", 7561).tables("items").build()) {
            forward.preflight();
            forward.stream().start();
            forward.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(engine(blue)).isEqualToIgnoringCase("MEMORY");
            forward.stream().stop();
            try (ReplicationLink reverse = Accounts.cutover(green, blue, state, DB, "engine_back", 7563)
                    .tables("items").build()) {
                reverse.stream().start();
                reverse.stream().awaitFence(Duration.ofSeconds(30));
                assertThat(engine(green)).isEqualToIgnoringCase("MEMORY");
            }
        }
        // What the engine saves, on this machine: one auto-commit update of a fence-sized row.
        blue.exec(DB, "CREATE TABLE fence_innodb (stream VARCHAR(190) NOT NULL PRIMARY KEY, id BIGINT NOT NULL,"
                + " written_at BIGINT NOT NULL) ENGINE=InnoDB", "INSERT INTO fence_innodb VALUES ('s', 0, 0)");
        System.out.printf("fence commit median: InnoDB %.2f ms, MEMORY %.2f ms%n",
                commitMedianMillis("fence_innodb"), commitMedianMillis("cutover_fence"));
    }

    @Test
    void fence_afterBlueRestarts_stillProvesEveryEarlierWriteApplied() throws Exception {
        try (ReplicationLink link = Accounts.cutover(blue, green, state, DB, "restart", 7571).tables("items")
                .recoveryBudget(Duration.ofMinutes(2)).build()) {
            link.preflight();
            ReplicationStream stream = link.stream();
            stream.start();
            insert(1, 50);
            stream.awaitFence(Duration.ofSeconds(30));
            assertThat(count(blue, "cutover_fence WHERE stream LIKE 'restart%'")).isEqualTo(1);

            blue.restart();
            assertThat(count(blue, "cutover_fence WHERE stream LIKE 'restart%'")).as("a MEMORY table is empty after a restart").isZero();
            assertThat(binlogStatementsOfTheCurrentFile()).as("the server logs the emptying the stream reads past")
                    .anyMatch(q -> q.startsWith("TRUNCATE TABLE") && q.contains("cutover_fence"));
            insert(51, 100);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> stream.state() == ReplicationStream.State.STREAMING);
            stream.awaitFence(Duration.ofSeconds(60));
            // No waiting after the fence: it is the proof.
            assertThat(count(green, "items")).isEqualTo(100);
            assertThat(TablesCompared.rows(green, DB, "items", "id"))
                    .containsExactlyElementsOf(TablesCompared.rows(blue, DB, "items", "id"));
            insert(101, 120);
            stream.awaitFence(Duration.ofSeconds(30));
            assertThat(count(green, "items")).isEqualTo(120);
        }
    }

    private static String engine(MariaDbServer server) throws SQLException {
        try (Connection c = server.admin(DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ENGINE FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = '" + DB + "' AND TABLE_NAME = 'cutover_fence'")) {
            assertThat(rs.next()).as("cutover_fence exists on " + server.name()).isTrue();
            return rs.getString(1);
        }
    }

    private static List<String> binlogStatementsOfTheCurrentFile() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server(blue); Statement st = c.createStatement()) {
            String file;
            try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                assertThat(rs.next()).as("blue writes a binlog").isTrue();
                file = rs.getString("File");
            }
            try (ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '" + file + "'")) {
                while (rs.next()) {
                    out.add(rs.getString("Info"));
                }
            }
        }
        return out;
    }

    private static double commitMedianMillis(String table) throws SQLException {
        List<Long> nanos = new ArrayList<>();
        try (Connection c = server(blue); Statement st = c.createStatement()) {
            for (int i = 0; i < 101; i++) {
                long t0 = System.nanoTime();
                st.executeUpdate("UPDATE " + table + " SET written_at = written_at + 1 LIMIT 1");
                nanos.add(System.nanoTime() - t0);
            }
        }
        Collections.sort(nanos);
        return nanos.get(50) / 1e6;
    }

    private static Connection server(MariaDbServer s) throws SQLException {
        Connection c = s.admin(DB);
        c.setAutoCommit(true);
        return c;
    }

    private static void insert(int from, int to) throws SQLException {
        try (Connection c = server(blue); Statement st = c.createStatement()) {
            for (int i = from; i <= to; i++) {
                st.executeUpdate("INSERT INTO items VALUES (" + i + ", " + i + ")");
            }
        }
    }

    private static long count(MariaDbServer server, String table) throws SQLException {
        try (Connection c = server.admin(DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
