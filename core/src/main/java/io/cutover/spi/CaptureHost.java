package io.cutover.spi;

import io.cutover.ReplicationStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Runs change capture for dialects: the engine, the decoding, the apply on the target, the offsets,
 * the fences and the bulk copy's bookkeeping. A dialect describes a stream with a {@link CaptureSpec}
 * and asks the host for it; it never writes the host's control tables itself.
 *
 * <p>Cutover's host is the Debezium embedded engine in {@code cutover-capture}; another (Kafka
 * Connect, say) plugs in by implementing this interface and registering it as a
 * {@link ServiceLoader} provider. Implementations are thread-safe.
 */
public interface CaptureHost {

    /**
     * Creates a stream for a spec. The stream is {@code NEW}: nothing is read or written until
     * {@link ReplicationStream#start()}.
     *
     * @param spec what to capture, from where to where
     * @return the stream; the caller closes it
     * @throws NullPointerException if {@code spec} is null
     */
    ReplicationStream open(CaptureSpec spec);

    /**
     * Creates the fence table on a source if it is missing, so that a dialect can name it in what
     * it captures (a publication, say) before the first stream starts.
     *
     * @param source a connection to the source
     * @param table the fence table's name ({@link CaptureSpec#fenceTable()})
     * @throws SQLException if the source refuses
     */
    void createFenceTable(Connection source, String table) throws SQLException;

    /**
     * Deletes rows of a fence table on a source: a stream's own once the stream is gone, and any a
     * dialect's connector writes there (a heartbeat row keyed by another name). Missing rows are
     * not an error.
     *
     * @param source a connection to the source, in auto-commit mode
     * @param table the fence table's name ({@link CaptureSpec#fenceTable()})
     * @param keys the rows' keys: stream names, heartbeat keys
     * @throws NullPointerException if an argument is null
     * @throws SQLException if the source refuses
     */
    void removeFenceRows(Connection source, String table, Collection<String> keys) throws SQLException;

    /**
     * Records where a stream that is not running begins: its next start reads the source from
     * this connector position, as if everything before it had been applied, and runs no initial
     * copy. Replaces whatever the target held for the stream (an offset, a copy's marker) but
     * keeps the last fence applied. A dialect calls it with a position it has just read from the
     * source, for instance inside the write pause for the reverse stream, so that every write
     * after that moment is captured.
     *
     * @param spec the stream (its name, target and dialect; it need not have been opened)
     * @param partition the connector's source partition
     * @param offset the connector's offset in that partition
     * @throws NullPointerException if an argument is null
     * @throws SQLException if the target refuses
     */
    void startAt(CaptureSpec spec, Map<String, ?> partition, Map<String, ?> offset) throws SQLException;

    /**
     * Tells what the target holds for a stream's start, creating the host's table for it there if
     * it is missing. Safe to call while the stream runs; the answer may be stale at once.
     *
     * @param spec the stream (its name and target)
     * @return what is stored
     * @throws NullPointerException if {@code spec} is null
     * @throws SQLException if the target refuses
     */
    StoredStart storedStart(CaptureSpec spec) throws SQLException;

    /**
     * Removes what the host keeps on one server for some streams, as part of a
     * {@link io.cutover.ReplicationLink#finish finish}: their rows in the host's control tables
     * (offsets, copy ledger, fence, and tables of earlier versions), then every control table left
     * holding no row of another stream. A table still used by another stream is kept and recorded
     * as {@linkplain Teardown#leftInPlace left in place}. Each removal goes through
     * {@link Teardown#remove}, so one that fails is recorded with the SQL that removes it by hand
     * and the others still run. The streams must be closed. The default removes nothing and records
     * that this host keeps its tables.
     *
     * @param teardown the finish's removals; its {@link Teardown#server} for {@code side} is set
     * @param side the server
     * @param fenceTable the fence table's name on that server ({@link CaptureSpec#fenceTable()})
     * @param streams the streams' names (both directions of one migration)
     * @param fenceKeys further keys of the fence table's rows the dialect's connector wrote (heartbeats)
     * @param fenceTableUsers what else the dialect knows to use the fence table on that server (another
     *     migration's PostgreSQL publication, say); while any, the fence table is kept whatever its rows
     * @throws NullPointerException if an argument is null
     */
    default void removeControlTables(Teardown teardown, io.cutover.Side side, String fenceTable, Collection<String> streams,
            Collection<String> fenceKeys, Collection<String> fenceTableUsers) {
        teardown.leftInPlace(side, "the control tables of " + this + ", which removes none; see its documentation");
    }

    /** What a target holds for a stream's start, as {@link #storedStart} reports it. */
    enum StoredStart {
        /** Nothing: the stream never ran against this target, or was closed. */
        NOTHING,
        /** An initial copy began and did not finish; the next start discards it and copies again. */
        COPY_STARTED,
        /** An initial copy finished without a connector offset: the source's own position (a slot) is next. */
        COPY_FINISHED,
        /** A connector offset: applied changes, a finished copy's position, or {@link #startAt}. */
        OFFSET
    }

    /**
     * Returns the capture host on the class path or module path: the first {@link ServiceLoader}
     * provider of this interface.
     *
     * @return the host
     * @throws IllegalStateException if none is there; the message says which artifact to add
     */
    static CaptureHost load() {
        Iterator<CaptureHost> hosts = ServiceLoader.load(CaptureHost.class, CaptureHost.class.getClassLoader()).iterator();
        if (!hosts.hasNext()) {
            throw new IllegalStateException("no capture host found: add the io.cutover:cutover-capture artifact"
                    + " (the Debezium host) to the application's dependencies");
        }
        return hosts.next();
    }
}
