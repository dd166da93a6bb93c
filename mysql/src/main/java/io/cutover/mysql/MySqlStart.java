package io.cutover.mysql;

import java.nio.file.Path;
import java.util.List;

/**
 * What one start of a MySQL-family stream found before its engine is built, all the connector
 * settings depend on: read by {@link MySqlSession} at start, turned into settings by {@link
 * MySqlDialect} with no connection and no file access. Immutable.
 *
 * @param flavour the source's flavour
 * @param capture where the connector captures from (its TLS mode settled for this server)
 * @param streamName the stream's name
 * @param serverId the stream's replica id on the source
 * @param captured the captured tables, the fence table included
 * @param stateDir the directory of the stream's schema history
 * @param historyPresent whether a non-empty schema history file is there
 * @param positionStored whether the target holds a position for the stream (an offset, or the
 *     marker of a bulk copy, which the host stores before it builds the engine)
 */
record MySqlStart(Flavour flavour, Endpoint capture, String streamName, long serverId, List<String> captured,
        Path stateDir, boolean historyPresent, boolean positionStored) {

    MySqlStart {
        captured = List.copyOf(captured);
    }

    /**
     * Whether the connector rebuilds its schema history from the live schema: with a stored
     * position but no history (a stream right after its bulk copy, a reverse stream seeded in the
     * pause, or a lost file), it does and streams from the stored position.
     *
     * @return true for Debezium's {@code recovery} snapshot mode
     */
    boolean rebuildsHistory() {
        return !historyPresent && positionStored;
    }

    /**
     * Returns the connector's snapshot mode. It never copies rows itself: the bulk copy does, and
     * fixes where the stream begins before the engine is built.
     *
     * @return {@code recovery} or {@code no_data}
     */
    String snapshotMode() {
        return rebuildsHistory() ? "recovery" : "no_data";
    }

    /**
     * Returns the connector's snapshot locking. Every start has a position of its own by now, so
     * the connector never reads a binlog position under a lock; a history rebuild takes none: the
     * target side is live by then, and the pause already ruled out DDL.
     *
     * @return {@code none} or the default locking
     */
    String snapshotLocking() {
        return rebuildsHistory() ? "none" : CaptureProperties.DEFAULT_SNAPSHOT_LOCKING;
    }
}
