package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import io.cutover.testservers.TcpProxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link closed while green is unreachable leaves its offset row on green; once blue has purged the
 * binlog file that row names, a new link of the same name refuses to resume from it (the changes in
 * between are gone) and says how to start over; starting over as told loses nothing. A running stream
 * that lost blue while the file was purged fails with the same refusal when it tries to resume.
 */
class MariaDbPurgedBinlogIT {
    private static final String DB = "purgeddb";
    private static final String STREAM = "purged_blue_to_green";

    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static TcpProxy greenProxy;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 1301, "green", 1302);
        blue = pair.blue();
        green = pair.green();
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
            s.exec(DB, "CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(40))", "CREATE TABLE lost (id INT PRIMARY KEY)");
        }
        greenProxy = TcpProxy.to("green", green.host(), green.port());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {greenProxy, blue, green}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void anOffsetInAPurgedBinlog_isRefusedWithHowToStartOver_andStartingOverLosesNothing() throws Exception {
        blue.exec(DB, "INSERT INTO items VALUES (1, 'copied')");
        ReplicationLink first = Accounts.cutover(blue, green, state, DB, "purged", 7401).appUsers(Accounts.APP)
                .green(greenProxy.host(), greenProxy.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                .tables("items").build();
        first.stream().start();
        blue.exec(DB, "INSERT INTO items VALUES (2, 'streamed')");
        first.stream().awaitFence(Duration.ofSeconds(30));
        greenProxy.cut(Duration.ofSeconds(2));
        first.close(); // the offset row on green stays: green was unreachable
        await().atMost(Duration.ofSeconds(10)).until(() -> !greenProxy.isCut());
        String stored = storedFile();
        blue.exec(DB, "INSERT INTO items VALUES (3, 'while no link ran')");
        String newest = purgeAllButNewest();
        assertThat(newest).isNotEqualTo(stored);

        try (ReplicationLink second = link(false)) {
            assertThatThrownBy(() -> second.stream().start())
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("resumes in binlog file " + stored)
                    .hasMessageContaining("the oldest binlog file still on blue is " + newest)
                    .hasMessageContaining("cannot be streamed")
                    .hasMessageContaining("DELETE FROM cutover_offsets WHERE stream = '" + STREAM + "'")
                    .hasMessageContaining("initialCopy(true)");
            assertThat(binlogReaders()).as("no engine reads blue's binlog after the refusal").isZero();
        }
        blue.exec(DB, "INSERT INTO items VALUES (4, 'after the refusal')");
        assertThat(ids("items")).as("no engine applied anything after the refusal").containsExactly(1, 2);
        assertThat(storedFile()).as("the refused link's close leaves the row, so a retry is refused again").isEqualTo(stored);
        try (ReplicationLink retry = link(false)) {
            assertThatThrownBy(() -> retry.stream().start()).isInstanceOf(PreflightException.class);
        }

        // Starting over as the message says: nothing written on blue is missing on green.
        green.exec(DB, "DELETE FROM cutover_offsets WHERE stream = '" + STREAM + "'", "DELETE FROM items");
        try (ReplicationLink fresh = link(true)) {
            fresh.stream().start();
            blue.exec(DB, "INSERT INTO items VALUES (5, 'after the new start')");
            fresh.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(ids("items")).containsExactly(1, 2, 3, 4, 5);
        }
    }

    @Test
    void aStreamThatLostBlueWhileItsBinlogWasPurged_failsSayingHowToStartOver_insteadOfRetrying() throws Exception {
        try (TcpProxy blueProxy = TcpProxy.to("blue", blue.host(), blue.port());
                ReplicationLink link = Accounts.cutover(blue, green, state, DB, "lost", 7421).appUsers(Accounts.APP)
                        .blue(blueProxy.host(), blueProxy.port(), DB, Accounts.APPLY, Accounts.PASSWORD).tables("lost").build()) {
            link.stream().start();
            blue.exec(DB, "INSERT INTO lost VALUES (1)");
            link.stream().awaitFence(Duration.ofSeconds(30));
            blueProxy.cut(Duration.ofSeconds(25));
            blue.exec(DB, "INSERT INTO lost VALUES (2)");
            purgeAllButNewest();
            assertThat(blueProxy.isCut()).as("purged while the stream could not reach blue").isTrue();

            await().atMost(Duration.ofSeconds(90)).until(() -> link.stream().state() == ReplicationStream.State.FAILED);
            assertThat(link.stream().failure()).get().asInstanceOf(InstanceOfAssertFactories.THROWABLE)
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("no longer has that file")
                    .hasMessageContaining("DELETE FROM cutover_offsets WHERE stream = 'lost_blue_to_green'");
            assertThat(ids("lost")).as("nothing past the purged file was applied").containsExactly(1);
        }
    }

    private static ReplicationLink link(boolean initialCopy) {
        return Accounts.cutover(blue, green, state, DB, "purged", 7411).appUsers(Accounts.APP).tables("items")
                .initialCopy(initialCopy).build();
    }

    private static String storedFile() throws SQLException {
        try (Connection c = green.admin(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT offset_value FROM cutover_offsets WHERE stream = '" + STREAM + "'")) {
            assertThat(rs.next()).as("an offset row for " + STREAM + " on green").isTrue();
            return BinlogGapCheck.fileOf(rs.getString(1)).orElseThrow();
        }
    }

    // Rotates blue's binlog and purges every file before the new one; returns the new one's name. A file a
    // binlog dump thread still reads (the closed link's, ending) is kept with a warning, so purge until it goes.
    private static String purgeAllButNewest() throws SQLException {
        String newest;
        try (Connection c = blue.admin(""); Statement st = c.createStatement()) {
            st.execute("FLUSH BINARY LOGS");
            newest = binaryLogs().get(binaryLogs().size() - 1);
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection c = blue.admin(""); Statement st = c.createStatement()) {
                st.execute("PURGE BINARY LOGS TO '" + newest + "'");
            }
            return binaryLogs().equals(List.of(newest));
        });
        return newest;
    }

    private static List<String> binaryLogs() throws SQLException {
        List<String> logs = new ArrayList<>();
        try (Connection c = blue.admin(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(rs.getString(1));
            }
        }
        return logs;
    }

    private static long binlogReaders() throws SQLException {
        try (Connection c = blue.admin(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Integer> ids(String table) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = green.admin(DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }
}
