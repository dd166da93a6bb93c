package io.cutover.mysql;

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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finish()} on MariaDB: the shared scenario, read against information_schema (tables,
 * triggers, routines), {@code @@global.read_only}, the accounts' privileges and the streams'
 * schema history files.
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
