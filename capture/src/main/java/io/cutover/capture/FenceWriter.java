package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import io.cutover.CutoverException;
import io.cutover.Phase;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes a stream's fences on its source through one cached connection: opening one costs more
 * than the write, and the write happens while the application's writes are paused. A connection
 * that broke is closed and replaced once per write. Thread-safe: writes and {@link #close()} are
 * serialised on one lock.
 */
final class FenceWriter implements AutoCloseable {

    // "Table does not exist": MySQL and MariaDB, PostgreSQL, H2.
    private static final java.util.Set<String> MISSING_TABLE = java.util.Set.of("42S02", "42P01", "42S04");

    private final CaptureSpec config;
    private final Object lock = new Object();
    private Connection connection; // guarded by lock

    FenceWriter(CaptureSpec config) {
        this.config = config;
    }

    /**
     * Writes fence {@code id} into the stream's row of the fence table on the source.
     *
     * @param id the fence id
     * @throws CutoverException if the write fails on a fresh connection too
     */
    void write(long id) {
        synchronized (lock) {
            boolean missingTable = false;
            for (int attempt = 1; ; attempt++) {
                try {
                    Connection c = connection;
                    if (c == null || c.isClosed()) {
                        c = BoundedCalls.open(config.source(), config.stallTimeout());
                        c.setAutoCommit(true);
                        config.dialect().prepareFenceSession(c);
                        connection = c;
                    }
                    if (missingTable) {
                        // Dropped by finishing another migration that saw no row of this stream in it; a
                        // stream that captures the table by name (binlog) sees the new one.
                        FenceTable.create(c, config.fenceTable(), config.dialect().fenceTableOptions(c));
                    }
                    FenceTable.write(c, config.fenceTable(), config.name(), id, config.clock().millis());
                    return;
                } catch (SQLException e) {
                    close();
                    missingTable = e.getSQLState() != null && MISSING_TABLE.contains(e.getSQLState());
                    if (attempt > 1) {
                        throw new CutoverException(Phase.CATCH_UP, "stream '" + config.name() + "': writing fence " + id
                                + " on the source failed: " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** Closes the cached connection, if any; the next write opens a new one. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            Connection c = connection;
            connection = null;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already broken
                }
            }
        }
    }
}
