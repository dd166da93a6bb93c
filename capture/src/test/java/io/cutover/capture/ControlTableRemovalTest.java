package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.FinishReport;
import io.cutover.Side;
import io.cutover.spi.Teardown;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlTableRemovalTest {

    private static final List<String> STREAMS = List.of("orders-blue-to-green", "orders-green-to-blue");

    private final H2Target server = new H2Target();
    private final DebeziumCaptureHost host = new DebeziumCaptureHost();

    private FinishReport remove(List<String> fenceTableUsers) {
        try (Teardown t = new Teardown("orders").server(Side.GREEN, "green h2", server.dataSource, c -> { })) {
            host.removeControlTables(t, Side.GREEN, "cutover_fence", STREAMS, List.of("orders-blue-to-green#heartbeat"),
                    fenceTableUsers);
            return t.report();
        }
    }

    private void tables() throws SQLException {
        try (Connection c = server.dataSource.getConnection()) {
            FenceTable.create(c, "cutover_fence");
            OffsetTable.create(c);
        }
        server.execute("INSERT INTO cutover_fence VALUES ('orders-green-to-blue', 3, 0)");
        server.execute("INSERT INTO cutover_fence VALUES ('orders-blue-to-green#heartbeat', 0, 0)");
        server.execute("INSERT INTO cutover_offsets VALUES ('orders-blue-to-green', 'k', 'v', 2, 0)");
    }

    private boolean exists(String table) throws SQLException {
        try (Connection c = server.dataSource.getConnection()) {
            return ControlTableLookup.exists(c, table);
        }
    }

    @Test
    void removesTheStreamsRows_andDropsEveryTableLeftEmpty() throws SQLException {
        tables();

        FinishReport report = remove(List.of());

        assertThat(report.removedFrom(Side.GREEN)).containsExactly("table cutover_fence", "table cutover_offsets");
        assertThat(report.leftInPlace()).isEmpty();
        assertThat(exists("cutover_fence")).isFalse();
        assertThat(exists("cutover_offsets")).isFalse();
    }

    @Test
    void keepsATableAnotherStreamStillHasRowsIn_andSaysWhose() throws SQLException {
        tables();
        server.execute("INSERT INTO cutover_offsets VALUES ('billing-blue-to-green', 'k', 'v', 1, 0)");

        FinishReport report = remove(List.of());

        assertThat(report.removedFrom(Side.GREEN)).containsExactly("table cutover_fence",
                "1 row(s) of this migration in table cutover_offsets");
        assertThat(report.leftInPlace()).containsExactly("green: table cutover_offsets: still holds rows of 1 other stream(s)"
                + " (billing-blue-to-green); finishing those removes it");
        assertThat(server.queryOne("SELECT stream FROM cutover_offsets")).isEqualTo("billing-blue-to-green");
    }

    @Test
    void keepsTheFenceTableWhileTheDialectNamesAnotherUser() throws SQLException {
        tables();

        FinishReport report = remove(List.of("publication cutover_billing_b2g"));

        assertThat(report.removedFrom(Side.GREEN)).containsExactly("2 row(s) of this migration in table cutover_fence",
                "table cutover_offsets");
        assertThat(report.leftInPlace()).containsExactly("green: table cutover_fence: still used by publication"
                + " cutover_billing_b2g; finishing that migration removes it");
        assertThat(exists("cutover_fence")).isTrue();
    }

    @Test
    void dropsAnEarlierVersionsCopyLedger() throws SQLException {
        server.execute("CREATE TABLE cutover_copy_tables (stream VARCHAR(190) NOT NULL, target_table VARCHAR(190) NOT NULL,"
                + " PRIMARY KEY (stream, target_table))");
        server.execute("INSERT INTO cutover_copy_tables VALUES ('orders-blue-to-green', 'orders')");

        assertThat(remove(List.of()).removedFrom(Side.GREEN)).containsExactly("table cutover_copy_tables");
        assertThat(exists("cutover_copy_tables")).isFalse();
    }

    @Test
    void findsNothingToRemove_onAServerWithoutControlTables() {
        FinishReport report = remove(List.of());
        assertThat(report.isEmpty()).isTrue();
        assertThat(report.leftInPlace()).isEmpty();
    }
}
