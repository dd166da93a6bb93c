package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The guard, the AUTO_INCREMENT hand-off and connection reuse against real MariaDB servers. */
class MariaDbGuardHandoffIT {
    private static final String DB = "shop";
    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static Endpoint blueAdmin;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 301, "green", 302);
        blue = pair.blue();
        green = pair.green();
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
            s.exec(DB, "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))");
        }
        blueAdmin = new Endpoint(blue.host(), blue.port(), DB, MariaDbServer.ADMIN_USER,
                MariaDbServer.ADMIN_PASSWORD, "DISABLED");
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @AfterEach
    void lift() {
        blue.exec("", "SET GLOBAL read_only = OFF");
    }

    private static ReadOnlyGuard guard(Duration lockWait) {
        return new ReadOnlyGuard("blue", blueAdmin, Flavour.MARIADB, lockWait, false);
    }

    private static void insertAs(String user, String note) throws SQLException {
        try (Connection c = Accounts.endpoint(blue, DB, user).connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO orders (note) VALUES ('" + note + "')");
        }
    }

    @Test
    void guard_refusesTheAppsWrites_letsTheApplierThrough_andReleases() throws SQLException {
        ReadOnlyGuard guard = guard(Duration.ofSeconds(2));
        guard.warmUp();
        long started = System.nanoTime();
        guard.engage();
        long engageMicros = (System.nanoTime() - started) / 1000;
        assertThat(engageMicros).as("engaging on a warm connection, idle server").isLessThan(200_000);

        assertThat(guard.engaged()).isTrue();
        assertThat(guard.serverReadOnly()).isTrue();
        assertThatThrownBy(() -> insertAs(Accounts.APP, "direct writer"))
                .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
        insertAs(Accounts.APPLY, "reverse applier");

        guard.engage();
        guard.release();
        assertThat(guard.engaged()).isFalse();
        insertAs(Accounts.APP, "after release");
        guard.close();
    }

    @Test
    void guard_whoseWarmConnectionWasKilled_engagesOnANewOne_andItsRehearsalChangesNothing() throws SQLException {
        ReadOnlyGuard guard = guard(Duration.ofSeconds(2));
        guard.warmUp();
        assertThat(guard.rehearse()).as("read_only before").isFalse();
        assertThat(guard.serverReadOnly()).as("the rehearsal set nothing").isFalse();
        try (Connection c = blue.admin(""); Statement st = c.createStatement()) {
            List<Long> others = new java.util.ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '"
                    + MariaDbServer.ADMIN_USER + "' AND ID <> CONNECTION_ID() AND COMMAND <> 'Binlog Dump'")) {
                while (rs.next()) {
                    others.add(rs.getLong(1));
                }
            }
            assertThat(others).as("the guard's warm connection").isNotEmpty();
            for (long id : others) {
                st.execute("KILL " + id);
            }
        }

        guard.engage();

        assertThat(guard.engaged()).isTrue();
        assertThat(guard.serverReadOnly()).isTrue();
        assertThat(guard.rehearse()).isTrue();
        guard.release();
        assertThat(guard.serverReadOnly()).isFalse();
        guard.close();
    }

    @Test
    void guard_givesUpOnLockTablesWrite_withinItsBound_andLeavesReadOnlyOff() throws Exception {
        try (Connection holder = blue.admin(DB); Statement st = holder.createStatement()) {
            st.execute("LOCK TABLES orders WRITE");
            ReadOnlyGuard guard = guard(Duration.ofMillis(300));
            long started = System.nanoTime();
            assertThatThrownBy(guard::engage)
                    .isInstanceOf(CutoverException.class)
                    .hasMessageContaining("300 ms").hasMessageContaining("LOCK TABLES")
                    .satisfies(e -> assertThat(((CutoverException) e).phase()).isEqualTo(Phase.GUARD));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(guard.engaged()).isFalse();
            assertThat(guard.serverReadOnly()).isFalse();
            st.execute("UNLOCK TABLES");
            guard.engage();
            assertThat(guard.serverReadOnly()).isTrue();
            guard.release();
        }
    }

    @Test
    void guard_engagesOverAnOpenAppTransaction_whoseCommitIsThenRefused() throws Exception {
        long before = count();
        try (Connection app = Accounts.endpoint(blue, DB, Accounts.APP).connect(); Statement st = app.createStatement()) {
            app.setAutoCommit(false);
            st.executeUpdate("INSERT INTO orders (note) VALUES ('open when the guard came')");
            ReadOnlyGuard guard = guard(Duration.ofMillis(300));
            guard.engage();
            // MariaDB does not wait for it; it refuses the commit instead, so nothing acknowledged
            // lands on blue after the guard (and so after the fence).
            assertThatThrownBy(app::commit).isInstanceOf(SQLException.class).hasMessageContaining("read-only");
            guard.release();
            guard.close();
        }
        assertThat(count()).isEqualTo(before);
    }

    private static long count() throws SQLException {
        try (Connection c = blue.admin(DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void dataSource_reusesAConnectionHandedBackClean_andNeverOneLeftInATransaction() throws SQLException {
        try (EndpointDataSource data = new EndpointDataSource(Accounts.endpoint(blue, DB, Accounts.APPLY))) {
            data.warmUp();
            long first = connectionId(data);
            assertThat(connectionId(data)).as("handed back in auto-commit: reused").isEqualTo(first);
            long dirty;
            try (Connection c = data.getConnection()) {
                c.setAutoCommit(false);
                dirty = id(c);
                assertThat(c.isClosed()).isFalse();
            }
            assertThat(connectionId(data)).as("left in a transaction: not reused").isNotEqualTo(dirty);
            Connection handedBack = data.getConnection();
            handedBack.close();
            assertThat(handedBack.isClosed()).isTrue();
            assertThatThrownBy(handedBack::createStatement).isInstanceOf(SQLException.class);
        }
    }

    private static long connectionId(EndpointDataSource data) throws SQLException {
        try (Connection c = data.getConnection()) {
            return id(c);
        }
    }

    private static long id(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void handoff_movesGreensCounterPastBlues_soInsertsOnGreenSucceed() throws SQLException {
        blue.exec(DB, "CREATE TABLE invoices (id INT AUTO_INCREMENT PRIMARY KEY, n INT)",
                "INSERT INTO invoices (n) SELECT seq FROM seq_1_to_150",
                "DELETE FROM invoices WHERE id > 100");
        green.exec(DB, "CREATE TABLE invoices (id INT AUTO_INCREMENT PRIMARY KEY, n INT)",
                "INSERT INTO invoices (id, n) SELECT seq, seq FROM seq_1_to_100",
                "ALTER TABLE invoices AUTO_INCREMENT = 1");

        long blueNext;
        try (Connection c = blue.admin(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'invoices'")) {
            rs.next();
            blueNext = rs.getLong(1);
        }
        assertThat(blueNext).as("blue's counter is past green's rows").isGreaterThan(101);

        List<String> moved = new AutoIncrementHandoff(new EndpointDataSource(Accounts.endpoint(blue, DB, Accounts.APPLY)),
                new EndpointDataSource(Accounts.endpoint(green, DB, Accounts.APPLY)), List.of("invoices", "orders"), 1000)
                .handOff();

        assertThat(moved).anySatisfy(line -> assertThat(line).startsWith("invoices.id: 101 -> " + (blueNext + 1000)));
        try (Connection c = Accounts.endpoint(green, DB, Accounts.APP).connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO invoices (n) VALUES (-1)");
            try (ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(blueNext + 1000);
            }
        }
    }

    private static AutoIncrementHandoff handoff(String table, long headroom) {
        return new AutoIncrementHandoff(new EndpointDataSource(Accounts.endpoint(blue, DB, Accounts.APPLY)),
                new EndpointDataSource(Accounts.endpoint(green, DB, Accounts.APPLY)), List.of(table), headroom);
    }

    private static long insertOnGreen(String table) throws SQLException {
        try (Connection c = Accounts.endpoint(green, DB, Accounts.APP).connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + table + " (n) VALUES (-1)");
            try (ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long insertAndDeleteOnBlue(String table) throws SQLException {
        try (Connection c = blue.admin(DB); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + table + " (n) VALUES (0)");
            long id;
            try (ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                rs.next();
                id = rs.getLong(1);
            }
            st.executeUpdate("DELETE FROM " + table + " WHERE id = " + id);
            return id;
        }
    }

    @Test
    void handoff_preparedBeforeThePause_altersNothingInside_andAnIdDeletedOnBlueMeanwhileIsNotReusedOnGreen()
            throws SQLException {
        for (MariaDbServer s : List.of(blue, green)) {
            s.exec(DB, "CREATE TABLE receipts (id BIGINT AUTO_INCREMENT PRIMARY KEY, n INT)");
        }
        // A multi-row VALUES insert reserves exactly its rows' ids (INSERT … SELECT reserves in
        // growing batches, leaving the counter past the last id).
        blue.exec(DB, "INSERT INTO receipts (n) VALUES " + String.join(",", java.util.Collections.nCopies(20, "(1)")));
        // What the stream does on green: the same rows with their ids.
        green.exec(DB, "INSERT INTO receipts (id, n) SELECT seq, seq FROM seq_1_to_20");
        AutoIncrementHandoff handoff = handoff("receipts", 100);

        assertThat(handoff.prepare()).singleElement().asString().isEqualTo("receipts.id: 21 -> 121 (source 21) before the pause");
        // Writes still flow: blue hands out an id whose row is gone before it could reach green.
        long gone = insertAndDeleteOnBlue("receipts");
        List<String> inside = handoff.handOff();

        assertThat(gone).isEqualTo(21);
        assertThat(inside).singleElement().asString().isEqualTo("receipts.id: 121 (already past the source's 22)");
        assertThat(insertOnGreen("receipts")).isEqualTo(121);
    }

    @Test
    void handoff_movesGreenInsideThePause_whenBlueHandedOutMoreIdsThanThePreparedHeadroom() throws SQLException {
        for (MariaDbServer s : List.of(blue, green)) {
            s.exec(DB, "CREATE TABLE tickets (id BIGINT AUTO_INCREMENT PRIMARY KEY, n INT)");
        }
        AutoIncrementHandoff handoff = handoff("tickets", 5);
        assertThat(handoff.prepare()).singleElement().asString().startsWith("tickets.id: 1 -> 6 ");
        long lastGone = 0;
        for (int i = 0; i < 8; i++) {
            lastGone = insertAndDeleteOnBlue("tickets");
        }

        List<String> inside = handoff.handOff();

        assertThat(lastGone).isEqualTo(8);
        assertThat(inside).singleElement().asString().isEqualTo("tickets.id: 6 -> 14 (source 9)");
        assertThat(insertOnGreen("tickets")).as("past every id blue handed out").isEqualTo(14);
    }
}
