package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FenceTableTest {

    private final H2Target source = new H2Target();

    @Test
    void touch_rewritesTheRowKeepingItsId() throws SQLException {
        try (Connection c = source.dataSource.getConnection()) {
            FenceTable.create(c, "cutover_fence");
            FenceTable.write(c, "cutover_fence", "orders", 5L, 100L);

            assertThat(FenceTable.touch(c, "cutover_fence", "orders")).isTrue();
        }
        assertThat(source.queryOne("SELECT id FROM cutover_fence WHERE stream = 'orders'")).isEqualTo(5L);
        // A real change: MySQL logs no row event for an update that changes nothing.
        assertThat(source.queryOne("SELECT written_at FROM cutover_fence WHERE stream = 'orders'")).isEqualTo(101L);
    }

    @Test
    void create_withOptionsTheSourceRefuses_createsTheTableWithoutThem() throws SQLException {
        try (Connection c = source.dataSource.getConnection()) {
            FenceTable.create(c, "cutover_fence", " NO_SUCH_TABLE_OPTION = 1");
            FenceTable.write(c, "cutover_fence", "orders", 7L, 100L);
        }
        assertThat(source.queryOne("SELECT id FROM cutover_fence WHERE stream = 'orders'")).isEqualTo(7L);
    }

    @Test
    void fenceWriter_recreatesATableDroppedUnderIt() throws SQLException {
        try (Connection c = source.dataSource.getConnection()) {
            FenceTable.create(c, "cutover_fence");
        }
        try (FenceWriter writer = new FenceWriter(source.spec("orders"))) {
            writer.write(1L);
            source.execute("DROP TABLE cutover_fence");

            writer.write(2L);
        }
        assertThat(source.queryOne("SELECT id FROM cutover_fence WHERE stream = 'orders'")).isEqualTo(2L);
    }

    @Test
    void touch_doesNothingForAStreamThatWroteNoFence() throws SQLException {
        try (Connection c = source.dataSource.getConnection()) {
            FenceTable.create(c, "cutover_fence");
            FenceTable.write(c, "cutover_fence", "other", 5L, 100L);

            assertThat(FenceTable.touch(c, "cutover_fence", "orders")).isFalse();
        }
        assertThat(source.queryOne("SELECT count(*) FROM cutover_fence")).isEqualTo(1L);
    }

    @Test
    void removeFenceRows_deletesOnlyTheKeysGiven() throws SQLException {
        try (Connection c = source.dataSource.getConnection()) {
            FenceTable.create(c, "cutover_fence");
            FenceTable.write(c, "cutover_fence", "orders", 5L, 100L);
            FenceTable.write(c, "cutover_fence", "orders#heartbeat", 0L, 100L);
            FenceTable.write(c, "cutover_fence", "other", 3L, 100L);

            new DebeziumCaptureHost().removeFenceRows(c, "cutover_fence", java.util.List.of("orders", "orders#heartbeat", "gone"));
        }
        assertThat(source.queryOne("SELECT stream FROM cutover_fence")).isEqualTo("other");
        assertThat(source.queryOne("SELECT count(*) FROM cutover_fence")).isEqualTo(1L);
    }
}
