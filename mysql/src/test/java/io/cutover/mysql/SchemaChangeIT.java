package io.cutover.mysql;

import io.cutover.testservers.ServerPair;

import io.cutover.testservers.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.cutover.Side;
import io.cutover.scenario.SchemaChangeScenario;
import io.cutover.scenario.Sides;
import io.cutover.transform.JdbcSchemas;
import io.cutover.transform.TableSchema;
import io.cutover.transform.TypeFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The schema-change scenario on real MariaDB. One pair of servers; {@link #freshSides} gives each
 * test its own database. The key hand-off moves AUTO_INCREMENT past the highest id, and the guard
 * is the server-wide read_only.
 */
class SchemaChangeIT extends SchemaChangeScenario {
    private static final AtomicLong SERVER_IDS = new AtomicLong(8201);

    private static MariaDbServer blueServer;
    private static MariaDbServer greenServer;
    private static Path state;

    private String db;
    private DataSource blue;
    private DataSource green;

    @BeforeAll
    static void servers() throws Exception {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 811, "green", 812);
        blueServer = pair.blue();
        greenServer = pair.green();
        state = Files.createTempDirectory("cutover-schema-change-");
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blueServer, greenServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The guard is server-wide read_only: lift what a test's cutovers left engaged, for the next test. */
    @AfterEach
    void liftGuards() {
        blueServer.exec("", "SET GLOBAL read_only = OFF");
        greenServer.exec("", "SET GLOBAL read_only = OFF");
    }

    private static MariaDbServer server(Side side) {
        return side == Side.BLUE ? blueServer : greenServer;
    }

    private static DataSource pool(MariaDbServer server, String database) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setUrl(server.jdbcUrl(database) + "?sslMode=DISABLED");
        ds.setUser(Accounts.APP);
        ds.setPassword(Accounts.PASSWORD);
        return ds;
    }

    @Override
    protected Sides freshSides(String name) {
        db = name;
        Accounts.create(blueServer, name);
        Accounts.create(greenServer, name);
        blue = pool(blueServer, name);
        green = pool(greenServer, name);
        return new MariaDbSides(blueServer, greenServer, name, blue, green, state, SERVER_IDS);
    }

    @Override
    protected String textType() {
        return "VARCHAR(100)";
    }

    @Override
    protected String autoNumberedId() {
        return "id BIGINT AUTO_INCREMENT PRIMARY KEY";
    }

    @Override
    protected String reportedTextType() {
        return "VARCHAR";
    }

    @Override
    protected String reportedIntType() {
        return "INT";
    }

    /** The hand-off sets the new side's AUTO_INCREMENT well past its highest id. */
    @Override
    protected void assertKeyHandedOff(Side side, String table, int cutovers) throws SQLException {
        try (Connection c = server(side).admin(db);
                PreparedStatement ps = c.prepareStatement("SELECT t.AUTO_INCREMENT - (SELECT MAX(id) FROM " + table + ")"
                        + " FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(table + " in information_schema").isTrue();
                assertThat(rs.getLong(1)).as("%s's counter ahead of its highest id on %s", table, side).isGreaterThan(500);
            }
        }
    }

    @Override
    protected String guardRefusal(String table) {
        return "read-only";
    }

    @Test
    void jdbcSchemas_readsColumnsTypesNullabilityDefaultsAndKey() throws SQLException {
        freshSides("s_meta");
        blueServer.exec(db, "CREATE TABLE Mixed_Case (a INT NOT NULL, b BIGINT NOT NULL AUTO_INCREMENT,"
                + " c VARCHAR(10) NOT NULL DEFAULT 'x', d TINYINT(1), e TEXT, PRIMARY KEY (b, a))");
        try (Connection c = blue.getConnection()) {
            Map<String, TableSchema> read = JdbcSchemas.read(c, null, List.of("Mixed_Case", "absent"));
            assertThat(read).containsOnlyKeys("Mixed_Case");
            TableSchema t = read.get("Mixed_Case");
            assertThat(t.primaryKey()).containsExactly("b", "a");
            assertThat(t.columns()).extracting(TableSchema.Column::name, TableSchema.Column::family,
                    TableSchema.Column::nullable, TableSchema.Column::hasDefault).containsExactly(
                    tuple("a", TypeFamily.NUMERIC, false, false),
                    tuple("b", TypeFamily.NUMERIC, false, true),
                    tuple("c", TypeFamily.TEXT, false, true),
                    tuple("d", TypeFamily.BOOLEAN, true, false),
                    tuple("e", TypeFamily.TEXT, true, false));
        }
        assertThat(JdbcSchemas.read(green, "s_meta", List.of("Mixed_Case"))).isEmpty();
    }
}
