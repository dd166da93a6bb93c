package io.cutover.postgres;

import io.cutover.testservers.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.Side;
import io.cutover.scenario.SchemaChangeScenario;
import io.cutover.scenario.Sides;
import io.cutover.transform.JdbcSchemas;
import io.cutover.transform.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The schema-change scenario on real PostgreSQL. Each test has its own pair of servers, so
 * {@link #freshSides} has nothing to create; the key hand-off is a sequence moved by 1000 a cutover,
 * and the guard refuses a table by name.
 */
class SchemaChangeIT extends SchemaChangeScenario {
    private PgPair pg;
    private DataSource blue;
    private DataSource green;

    @BeforeEach
    void servers() {
        pg = PgPair.start();
        blue = pool(pg.blue);
        green = pool(pg.green);
    }

    @AfterEach
    void stop() {
        pg.close();
    }

    private static DataSource pool(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {server.port()});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    @Override
    protected Sides freshSides(String name) {
        return new PgSides(pg, blue, green); // a new pair of servers for every test already
    }

    @Override
    protected String textType() {
        return "text";
    }

    @Override
    protected String autoNumberedId() {
        return "id bigserial PRIMARY KEY";
    }

    @Override
    protected String reportedTextType() {
        return "text";
    }

    @Override
    protected String reportedIntType() {
        return "int4";
    }

    /** Blue's sequence was never called: each hand-off gives the new side 1000 past the old one's. */
    @Override
    protected void assertKeyHandedOff(Side side, String table, int cutovers) {
        assertThat((side == Side.BLUE ? pg.blue : pg.green).rows("SELECT last_value FROM " + table + "_id_seq"))
                .containsExactly(List.of(String.valueOf(1000L * cutovers)));
    }

    @Override
    protected String guardRefusal(String table) {
        return "table public." + table + " is guarded";
    }

    @Test
    void jdbcSchemas_readsColumnsTypesNullabilityDefaultsAndKey() throws SQLException {
        pg.blue.exec("CREATE TABLE \"Mixed_Case\" (a int, b bigserial, c text NOT NULL DEFAULT 'x', d boolean, PRIMARY KEY (b, a))");
        try (Connection c = blue.getConnection()) {
            Map<String, TableSchema> read = JdbcSchemas.read(c, null, List.of("Mixed_Case", "absent"));
            assertThat(read).containsOnlyKeys("Mixed_Case");
            TableSchema t = read.get("Mixed_Case");
            assertThat(t.primaryKey()).containsExactly("b", "a");
            assertThat(t.columns()).containsExactly(
                    new TableSchema.Column("a", "int4", false, false),
                    new TableSchema.Column("b", "bigserial", false, true),
                    new TableSchema.Column("c", "text", false, true),
                    new TableSchema.Column("d", "bool", true, false));
        }
    }
}
