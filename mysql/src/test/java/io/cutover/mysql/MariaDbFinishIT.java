package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.FinishIncompleteException;
import io.cutover.FinishReport;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.scenario.FinishScenario;
import io.cutover.scenario.Sides;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finish()} on MariaDB: the shared scenario, read against information_schema (tables,
 * triggers, routines), {@code @@global.read_only}, the accounts' privileges and the streams'
 * schema history files; and a finish as a user that may not drop green's control tables, which
 * removes the rest and names those with the SQL to run by hand.
 */
class MariaDbFinishIT extends FinishScenario {
    private static final String DB = "f_scenario";
    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static MariaDbSides sides;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 931, "green", 932);
        blue = pair.blue();
        green = pair.green();
        sides = MariaDbSides.onNewDatabase(blue, green, DB, state, 7311);
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Override
    protected Sides sides() {
        return sides;
    }

    @Override
    protected List<String> objectsNamedByUs(Side side) {
        MariaDbServer s = side == Side.BLUE ? blue : green;
        List<String> out = new ArrayList<>(rows(s,
                "SELECT CONCAT('table ', TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES"
                        + " WHERE TABLE_NAME LIKE 'cutover%'",
                "SELECT CONCAT('guard trigger ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_NAME LIKE 'cutover%'",
                "SELECT CONCAT('routine ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_NAME LIKE 'cutover%'",
                "SELECT CONCAT('database ', SCHEMA_NAME) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'cutover%'",
                "SELECT 'guard: read_only = ON' FROM DUAL WHERE @@global.read_only = 1"));
        // The schema history of the stream reading this side (named <name>_<source>_to_<target>).
        String reading = "_" + side + "_to_" + side.other();
        try (Stream<Path> files = Files.list(state)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.contains(reading)).forEach(n -> out.add("file " + n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    protected List<String> privileges(Side side) {
        MariaDbServer s = side == Side.BLUE ? blue : green;
        return rows(s,
                "SELECT CONCAT(GRANTEE, ' ', PRIVILEGE_TYPE, ' ', IS_GRANTABLE) FROM information_schema.USER_PRIVILEGES ORDER BY 1",
                "SELECT CONCAT(GRANTEE, ' ', TABLE_SCHEMA, ' ', PRIVILEGE_TYPE) FROM information_schema.SCHEMA_PRIVILEGES ORDER BY 1",
                "SELECT CONCAT(GRANTEE, ' ', TABLE_SCHEMA, '.', TABLE_NAME, ' ', PRIVILEGE_TYPE)"
                        + " FROM information_schema.TABLE_PRIVILEGES ORDER BY 1");
    }

    @Test
    void finish_asAUserWithoutDrop_removesWhatItMay_andNamesTheRestWithTheSqlToRunByHand() throws Exception {
        String user = "fin_nodrop";
        green.exec(DB, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + Accounts.PASSWORD + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON " + DB + ".* TO '" + user + "'@'%'");
        for (Side side : Side.values()) {
            sides.exec(side, "CREATE TABLE fin_priv (id INT PRIMARY KEY, v VARCHAR(100))");
        }
        // Green's control tables are created and written as a user that may not drop them.
        EndpointDataSource greenAsUser = new EndpointDataSource(Accounts.endpoint(green, DB, user));
        ReplicationLink link = Accounts.cutover(blue, green, state, DB, "fin_priv", 7391).appUsers(Accounts.APP)
                .tables("fin_priv").initialCopy(false).dataSource(Side.GREEN, greenAsUser).build();
        link.stream().start();
        sides.exec(Side.BLUE, "INSERT INTO fin_priv VALUES (1, 'streamed')");
        link.stream().awaitFence(Duration.ofSeconds(30));

        assertThatThrownBy(link::finish).isInstanceOf(FinishIncompleteException.class)
                .hasMessageContaining("green: table cutover_offsets")
                .hasMessageContaining("DROP command denied")
                .hasMessageContaining("by hand: DELETE FROM cutover_offsets WHERE stream IN ('fin_priv_blue_to_green',"
                        + " 'fin_priv_green_to_blue'); then, if no row is left, DROP TABLE cutover_offsets")
                .hasMessageNotContaining(Accounts.PASSWORD)
                .satisfies(e -> {
                    FinishIncompleteException f = (FinishIncompleteException) e;
                    assertThat(f.report().removedFrom(Side.BLUE)).contains("table cutover_fence");
                    assertThat(f.remaining()).allSatisfy(line -> assertThat(line).startsWith("green: table cutover_"));
                });
        assertThat(objectsNamedByUs(Side.BLUE)).as("left on blue").isEmpty();
        assertThat(objectsNamedByUs(Side.GREEN)).contains("table " + DB + ".cutover_offsets");

        // Given the privilege, a second finish removes the rest.
        green.exec(DB, "GRANT DROP ON " + DB + ".* TO '" + user + "'@'%'");
        greenAsUser.close(); // a database grant reaches new sessions: let go of the pooled ones
        FinishReport rest = link.finish();
        assertThat(rest.removedFrom(Side.GREEN)).contains("table cutover_offsets");
        assertThat(objectsNamedByUs(Side.GREEN)).as("left on green").isEmpty();
        green.exec(DB, "DROP USER '" + user + "'@'%'");
    }

    @Test
    void finish_dropsAFenceTableAnotherStreamHasNoRowIn_andThatStreamsNextFenceRecreatesIt() throws Exception {
        for (Side side : Side.values()) {
            sides.exec(side, "CREATE TABLE fin_solo (id INT PRIMARY KEY, v VARCHAR(100))",
                    "CREATE TABLE fin_other (id INT PRIMARY KEY, v VARCHAR(100))");
        }
        ReplicationLink solo = sides.link("fin_solo", "fin_solo").build();
        ReplicationLink other = sides.link("fin_other", "fin_other").build();
        solo.stream().start();
        other.stream().start();
        solo.stream().awaitFence(Duration.ofSeconds(30));
        // The other stream has copied and streams, but has written no fence on blue yet.
        await().atMost(Duration.ofSeconds(30)).until(() -> other.stream().state() == ReplicationStream.State.STREAMING);

        FinishReport report = solo.finish();

        assertThat(report.removedFrom(Side.BLUE)).contains("table cutover_fence");
        sides.exec(Side.BLUE, "INSERT INTO fin_other VALUES (1, 'after the fence table went')");
        other.stream().awaitFence(Duration.ofSeconds(30));
        assertThat(TablesCompared.rows(green, DB, "fin_other", "id")).hasSize(1);
        other.finish();
        assertThat(objectsNamedByUs(Side.BLUE)).as("left on blue").isEmpty();
        assertThat(objectsNamedByUs(Side.GREEN)).as("left on green").isEmpty();
    }

    private static List<String> rows(MariaDbServer s, String... queries) {
        List<String> out = new ArrayList<>();
        try (Connection c = s.admin(""); Statement st = c.createStatement()) {
            for (String q : queries) {
                try (ResultSet rs = st.executeQuery(q)) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
