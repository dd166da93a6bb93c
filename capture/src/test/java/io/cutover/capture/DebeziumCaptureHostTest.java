package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.spi.CaptureHost;
import io.cutover.spi.CaptureHost.StoredStart;
import io.cutover.spi.CaptureSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebeziumCaptureHostTest {

    private final H2Target target = new H2Target();
    private final CaptureHost host = new DebeziumCaptureHost();

    @Test
    void load_findsTheDebeziumHost() {
        assertThat(CaptureHost.load()).isInstanceOf(DebeziumCaptureHost.class);
    }

    @Test
    void storedStart_isNothingOnATargetWithoutTheTable() throws SQLException {
        assertThat(host.storedStart(target.spec("orders"))).isEqualTo(StoredStart.NOTHING);
    }

    @Test
    void startAt_storesTheOffsetAsTheEngineReadsIt() throws SQLException {
        CaptureSpec spec = target.spec("orders_blue_to_green");
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", "binlog.000042");
        offset.put("pos", 1234L);

        host.startAt(spec, Map.of("server", "cutover_orders"), offset);

        assertThat(host.storedStart(spec)).isEqualTo(StoredStart.OFFSET);
        try (Connection c = target.dataSource.getConnection()) {
            OffsetTable.Stored stored = OffsetTable.read(c, spec.name()).orElseThrow();
            OffsetCodec codec = new OffsetCodec("cutover-orders_blue_to_green");
            assertThat(stored.key()).isEqualTo(codec.key(Map.of("server", "cutover_orders")))
                    .isEqualTo("[\"cutover-orders_blue_to_green\",{\"server\":\"cutover_orders\"}]");
            assertThat(stored.value()).isEqualTo("{\"file\":\"binlog.000042\",\"pos\":1234}");
            assertThat(stored.fenceId()).isZero();
        }
    }

    @Test
    void startAt_replacesAStoredOffsetButKeepsTheLastFenceApplied() throws SQLException {
        CaptureSpec spec = target.spec("orders");
        try (Connection c = target.dataSource.getConnection()) {
            OffsetTable.create(c);
            new OffsetTable(spec.dialect()).write(c, "orders", new OffsetTable.Stored("old-key", "old-value", 7L), 1L);
        }

        host.startAt(spec, Map.of("server", "s"), Map.of("pos", 9L));

        try (Connection c = target.dataSource.getConnection()) {
            OffsetTable.Stored stored = OffsetTable.read(c, "orders").orElseThrow();
            assertThat(stored.value()).isEqualTo("{\"pos\":9}");
            assertThat(stored.fenceId()).isEqualTo(7L);
        }
    }

    @Test
    void startAt_leavesOtherStreamsAlone() throws SQLException {
        host.startAt(target.spec("a"), Map.of("server", "a"), Map.of("pos", 1L));

        assertThat(host.storedStart(target.spec("b"))).isEqualTo(StoredStart.NOTHING);
    }

    @Test
    void storedStart_tellsACopyThatBeganFromOneThatFinished() throws SQLException {
        CaptureSpec spec = target.spec("orders");
        try (Connection c = target.dataSource.getConnection()) {
            OffsetTable.create(c);
            OffsetTable table = new OffsetTable(spec.dialect());
            table.write(c, "orders", CopyMarker.STARTED, 1L);
            assertThat(host.storedStart(spec)).isEqualTo(StoredStart.COPY_STARTED);
            table.write(c, "orders", CopyMarker.DONE, 2L);
            assertThat(host.storedStart(spec)).isEqualTo(StoredStart.COPY_FINISHED);
        }
    }

    @Test
    void classify_readsEachKindOfRow() {
        assertThat(DebeziumCaptureHost.classify(Optional.empty())).isEqualTo(StoredStart.NOTHING);
        assertThat(DebeziumCaptureHost.classify(Optional.of(CopyMarker.STARTED))).isEqualTo(StoredStart.COPY_STARTED);
        assertThat(DebeziumCaptureHost.classify(Optional.of(CopyMarker.DONE))).isEqualTo(StoredStart.COPY_FINISHED);
        assertThat(DebeziumCaptureHost.classify(Optional.of(new OffsetTable.Stored("k", "v", 3L)))).isEqualTo(StoredStart.OFFSET);
    }

    @Test
    void startAt_rejectsNulls() {
        CaptureSpec spec = target.spec("orders");
        assertThatThrownBy(() -> host.startAt(null, Map.of(), Map.of())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("spec");
        assertThatThrownBy(() -> host.startAt(spec, null, Map.of())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("partition");
        assertThatThrownBy(() -> host.startAt(spec, Map.of(), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("offset");
    }
}
