package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlTableLookupTest {

    private final H2Target server = new H2Target();

    @Test
    void exists_findsATableByTheNameUsedInSql_withOrWithoutItsSchema() throws SQLException {
        server.execute("CREATE SCHEMA app");
        server.execute("CREATE TABLE app.cutover_fence (stream VARCHAR(190) PRIMARY KEY)");
        server.execute("CREATE TABLE cutover_offsets (stream VARCHAR(190) PRIMARY KEY)");
        try (Connection c = server.dataSource.getConnection()) {
            assertThat(ControlTableLookup.exists(c, "app.cutover_fence")).isTrue();
            assertThat(ControlTableLookup.exists(c, "cutover_offsets")).isTrue();
            assertThat(ControlTableLookup.exists(c, "app.cutover_offsets")).isFalse();
            assertThat(ControlTableLookup.exists(c, "cutover_copy_ledger")).isFalse();
        }
    }

    @Test
    void removingRows_fromControlTablesNeverCreated_isNothingToRemove() throws SQLException {
        try (Connection c = server.dataSource.getConnection()) {
            assertThatCode(() -> FenceTable.delete(c, "cutover_fence", List.of("orders"))).doesNotThrowAnyException();
            assertThatCode(() -> OffsetTable.delete(c, "orders")).doesNotThrowAnyException();
        }
    }

    @Test
    void removingRows_stillDeletesThemWhereTheTableExists() throws SQLException {
        try (Connection c = server.dataSource.getConnection()) {
            OffsetTable.create(c);
            server.execute("INSERT INTO cutover_offsets (stream, offset_key, offset_value, fence_id, applied_at)"
                    + " VALUES ('orders', 'k', 'v', 0, 0), ('other', 'k', 'v', 0, 0)");
            OffsetTable.delete(c, "orders");
        }
        assertThat(server.queryOne("SELECT count(*) FROM cutover_offsets WHERE stream = 'orders'")).isEqualTo(0L);
        assertThat(server.queryOne("SELECT count(*) FROM cutover_offsets")).isEqualTo(1L);
    }
}
