package io.cutover.mysql;

import io.cutover.testservers.ServerPair;

import io.cutover.testservers.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.Phase;
import io.cutover.Side;
import io.cutover.scenario.AbortScenario;
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
 * Abort paths with the real {@link Cutover} on MariaDB: the shared ones (a drain past its budget, a
 * fence that does not arrive in time), and a session holding {@code LOCK TABLES … WRITE} that keeps
 * the guard from engaging. Either way writes resume on blue, read_only is off again, the forward
 * stream keeps going and nothing written on blue is lost.
 */
class MariaDbAbortIT extends AbortScenario {
    private static final String SCENARIO_DB = "a_scenario";
    private static MariaDbServer blue;
    private static MariaDbServer green;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() throws Exception {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 901, "green", 902);
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

    private static MariaDbSides scenarioSides;

    /** The shared abort scenario's database, made on first use. */
    @Override
    protected Sides sides() {
        if (scenarioSides == null) {
            scenarioSides = MariaDbSides.onNewDatabase(blue, green, SCENARIO_DB, state, 7211);
        }
        return scenarioSides;
    }

    private static MySqlCutover.Builder builder(String db, long serverId) {
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, db);
            s.exec(db, "CREATE TABLE items (id INT PRIMARY KEY, n INT NOT NULL)");
        }
        return Accounts.cutover(blue, green, state, db, db, serverId).tables("items");
    }

    private static EndpointDataSource app(MariaDbServer s, String db) {
        return new EndpointDataSource(Accounts.endpoint(s, db, Accounts.APP));
    }

    private static void write(ConnectionSwitcher switcher, int id) throws SQLException {
        try (Connection c = switcher.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO items VALUES (" + id + ", " + id + ")");
        }
    }

    private static boolean readOnly(MariaDbServer s) throws SQLException {
        try (Connection c = s.admin(""); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void guardBlockedByLockTablesWrite_abortsCleanly_andBlueStaysAuthoritative() throws Exception {
        String db = "a_lock";
        try (ReplicationLink link = builder(db, 7201).guardLockTimeout(Duration.ofMillis(300)).build();
                ConnectionSwitcher switcher = ConnectionSwitcher.between(app(blue, db), app(green, db))) {
            link.stream().start();
            write(switcher, 1);
            // Caught up first: the initial copy's global read lock would otherwise queue behind the
            // LOCK TABLES below, and no fence (the cutover's or this one) could arrive.
            link.stream().awaitFence(Duration.ofSeconds(30));
            try (Connection holder = blue.admin(db); Statement st = holder.createStatement()) {
                st.execute("LOCK TABLES items WRITE");
                Cutover cutover = Cutover.builder().name("lock").switcher(switcher).link(link)
                        .totalBudget(Duration.ofSeconds(5)).build();
                assertThatThrownBy(cutover::execute).isInstanceOf(CutoverAbortedException.class)
                        .satisfies(e -> assertThat(((CutoverAbortedException) e).phase()).isEqualTo(Phase.GUARD))
                        .hasStackTraceContaining("LOCK TABLES");
                st.execute("UNLOCK TABLES");
            }
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            assertThat(readOnly(blue)).isFalse();
            write(switcher, 2);
            link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(TablesCompared.rows(green, db, "items", "id"))
                    .containsExactlyElementsOf(TablesCompared.rows(blue, db, "items", "id")).hasSize(2);
        }
    }

    private static String binlogAt(MariaDbServer s) throws SQLException {
        try (Connection c = s.admin(""); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW BINLOG STATUS")) {
            rs.next();
            return rs.getString(1) + ":" + rs.getLong(2);
        }
    }

    @Test
    void warmUpBeforeThePause_readsOnly_leavingNoSettingAndNoBinlogEventOnEitherServer() throws Exception {
        String db = "a_warm";
        try (ReplicationLink link = builder(db, 7203).build();
                ConnectionSwitcher switcher = ConnectionSwitcher.between(app(blue, db), app(green, db))) {
            link.stream().start();
            write(switcher, 1);
            link.stream().awaitFence(Duration.ofSeconds(30));
            link.preflight();
            // Stopped, so that nothing but the warm-up could move either server's binlog.
            link.stream().stop();
            String blueAt = binlogAt(blue);
            String greenAt = binlogAt(green);

            List<String> lines = link.warmUp();

            assertThat(lines).singleElement().asString().startsWith("pause statements rehearsed in")
                    .contains("read_only blue=OFF, green=OFF").endsWith("green binlog at " + greenAt);
            assertThat(binlogAt(blue)).as("blue's binlog").isEqualTo(blueAt);
            assertThat(binlogAt(green)).as("green's binlog").isEqualTo(greenAt);
            assertThat(readOnly(blue)).isFalse();
            assertThat(readOnly(green)).isFalse();
            assertThat(link.sourceGuard().engaged()).isFalse();
            assertThat(TablesCompared.rows(green, db, "items", "id"))
                    .containsExactlyElementsOf(TablesCompared.rows(blue, db, "items", "id")).hasSize(1);
        }
    }
}
