package io.cutover.capture;

import io.cutover.ReplicationStream;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.CaptureSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

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
    public String toString() {
        return "Debezium embedded capture host";
    }
}
