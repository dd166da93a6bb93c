package io.cutover.capture;

import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.spi.Teardown;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.CaptureSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The capture host on Debezium's embedded engine: one engine thread per stream, changes applied
 * to the target through JDBC in source-commit order, offsets stored on the target in the applied
 * transaction. Found by {@link CaptureHost#load()}; stateless and thread-safe.
 */
public final class DebeziumCaptureHost implements CaptureHost {

    /** Creates the host; {@link CaptureHost#load()} calls this. */
    public DebeziumCaptureHost() {
    }

    @Override
    public ReplicationStream open(CaptureSpec spec) {
        return new DebeziumReplicationStream(Objects.requireNonNull(spec, "spec"));
    }

    @Override
    public void createFenceTable(Connection source, String table) throws SQLException {
        FenceTable.create(Objects.requireNonNull(source, "source"), Objects.requireNonNull(table, "table"));
    }

    @Override
    public void removeFenceRows(Connection source, String table, Collection<String> keys) throws SQLException {
        FenceTable.delete(Objects.requireNonNull(source, "source"), Objects.requireNonNull(table, "table"),
                List.copyOf(Objects.requireNonNull(keys, "keys")));
    }

    @Override
    public void removeControlTables(Teardown teardown, Side side, String fenceTable, Collection<String> streams,
            Collection<String> fenceKeys, Collection<String> fenceTableUsers) {
        Objects.requireNonNull(teardown, "teardown");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(fenceTable, "fenceTable");
        Set<String> keys = new LinkedHashSet<>(Objects.requireNonNull(streams, "streams"));
        keys.addAll(Objects.requireNonNull(fenceKeys, "fenceKeys"));
        ControlTableRemoval.remove(teardown, side, fenceTable, keys, List.copyOf(Objects.requireNonNull(fenceTableUsers,
                "fenceTableUsers")));
    }

    @Override
    public void startAt(CaptureSpec spec, Map<String, ?> partition, Map<String, ?> offset) throws SQLException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(offset, "offset");
        // Encoded as the engine's own offset writer would, so its offset reader finds it on start.
        OffsetCodec codec = OffsetCodec.forStream(spec.name());
        String key = codec.key(partition);
        String value = codec.value(offset);
        try (Connection target = spec.target().getConnection()) {
            target.setAutoCommit(true);
            OffsetTable.create(target);
            long fence = OffsetTable.read(target, spec.name()).map(OffsetTable.Stored::fenceId).orElse(0L);
            new OffsetTable(spec.dialect()).write(target, spec.name(), new OffsetTable.Stored(key, value, fence),
                    spec.clock().millis());
        }
    }

    @Override
    public StoredStart storedStart(CaptureSpec spec) throws SQLException {
        Objects.requireNonNull(spec, "spec");
        try (Connection target = spec.target().getConnection()) {
            target.setAutoCommit(true);
            OffsetTable.create(target);
            return classify(OffsetTable.read(target, spec.name()));
        }
    }

    static StoredStart classify(Optional<OffsetTable.Stored> stored) {
        if (stored.isEmpty()) {
            return StoredStart.NOTHING;
        }
        if (CopyMarker.isStarted(stored.get())) {
            return StoredStart.COPY_STARTED;
        }
        return CopyMarker.isMarker(stored.get()) ? StoredStart.COPY_FINISHED : StoredStart.OFFSET;
    }

    @Override
    public String toString() {
        return "Debezium embedded capture host";
    }
}
