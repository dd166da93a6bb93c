package io.cutover.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.FinishReport;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class TeardownFleetTablesTest {

    private static JdbcDataSource database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private static void create(JdbcDataSource ds, String... tables) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String table : tables) {
                st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            }
        }
    }

    @Test
    void fleetTables_onASide_areReportedLeftInPlace_withTheSqlThatDropsThem() throws SQLException {
        JdbcDataSource blue = database();
        JdbcDataSource green = database();
        create(blue, "cutover_fleet_live", "cutover_fleet_members", "cutover_fleet_commands", "cutover_fleet_acks",
                "cutover_fleetish", "orders");
        try (Teardown t = new Teardown("orders").server(Side.BLUE, "blue db", blue, c -> { })
                .server(Side.GREEN, "green db", green, c -> { })) {
            t.fleetTablesLeftInPlace(Side.BLUE);
            t.fleetTablesLeftInPlace(Side.GREEN);
            FinishReport report = t.report();
            assertThat(report.leftInPlace()).singleElement().asString()
                    .startsWith("blue: fleet tables cutover_fleet_acks, cutover_fleet_commands, cutover_fleet_live,"
                            + " cutover_fleet_members")
                    .contains("switchers that joined a fleet use them")
                    .endsWith("DROP TABLE cutover_fleet_acks, cutover_fleet_commands, cutover_fleet_live, cutover_fleet_members")
                    .doesNotContain("cutover_fleetish");
            assertThat(report.isEmpty()).as("nothing was removed").isTrue();
        }
    }

    @Test
    void noFleetTables_nothingReported() {
        try (Teardown t = new Teardown("orders").server(Side.BLUE, "blue db", database(), c -> { })) {
            t.fleetTablesLeftInPlace(Side.BLUE);
            assertThat(t.report().leftInPlace()).isEmpty();
        }
    }
}
