package io.cutover.spi;

import io.cutover.RowTransform;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A dialect's bulk initial copy: the rows the source holds when the stream first starts, copied
 * to the target by the server's own bulk paths ({@code COPY}, multi-row inserts) under one
 * consistent snapshot, instead of as one change event per row through the engine. The copy
 * returns where the change stream must begin so that copy and stream meet exactly: every change
 * committed after the snapshot is streamed, none before it.
 *
 * <p>The host runs it on the stream's capture thread, before the engine, only when the target
 * has no stored offset for the stream. A copy that knows early where the stream begins (a slot
 * created and its snapshot imported by every reader) may say so with {@link
 * Context#positionFixed}; the host then starts the engine while the copy runs, but applies none
 * of its changes until the copy has returned. It records on the target that a copy started; a copy
 * interrupted by a crash is {@linkplain #discardPartialCopy discarded} and run again on the
 * next start. Which target tables a copy wrote to, and whether each was empty then, it records
 * through {@link Context#recordTable}; the host keeps that ledger on the target until the copy
 * returns or its leftovers are discarded. After a copy returns, the host rewrites the stream's
 * fence row on the source, so that a fence written while the copy began is streamed after it.
 * Implementations are used by one thread at a time.
 */
public interface InitialLoad {

    /**
     * Copies every replicated table's current rows to the target, each through its transform.
     * Must stop soon (throwing {@link InterruptedException}) once {@link Context#cancelled()} is
     * true or the thread is interrupted.
     *
     * @param context the stream's source, target, transforms and progress
     * @return where the change stream begins
     * @throws SQLException if the source or target refuses; the host fails the stream
     * @throws InterruptedException if cancelled
     */
    Start copy(Context context) throws SQLException, InterruptedException;

    /**
     * Undoes what a copy interrupted part-way left behind (rows on the target, a replication
     * position on the source whose snapshot is gone), so that {@link #copy} can run again.
     * Called only after a copy was recorded as started and not finished.
     *
     * @param context the stream's source, target and transforms
     * @throws SQLException if the source or target refuses
     */
    void discardPartialCopy(Context context) throws SQLException;

    /**
     * Where the engine starts after a copy.
     *
     * @param partition the connector's source partition, or null with {@code offset}
     * @param offset the connector's offset in that partition, or null: the engine then starts at
     *     the position the source itself keeps for the stream (a PostgreSQL slot created at the
     *     copy's snapshot)
     */
    record Start(Map<String, ?> partition, Map<String, ?> offset) {

        /** The engine starts at the position the source keeps for the stream. */
        public static final Start SOURCE_POSITION = new Start(null, null);

        /**
         * Checks both or neither are given.
         *
         * @param partition the partition
         * @param offset the offset
         */
        public Start {
            if ((partition == null) != (offset == null)) {
                throw new IllegalArgumentException("a start needs both partition and offset, or neither");
            }
            partition = partition == null ? null : Map.copyOf(partition);
            offset = offset == null ? null : Map.copyOf(offset);
        }

        /**
         * Starts at a connector offset.
         *
         * @param partition the source partition
         * @param offset the offset
         * @return the start
         */
        public static Start at(Map<String, ?> partition, Map<String, ?> offset) {
            return new Start(Objects.requireNonNull(partition, "partition"), Objects.requireNonNull(offset, "offset"));
        }
    }

    /** What a copy works with; supplied by the host. */
    interface Context {

        /**
         * Returns the stream's name.
         *
         * @return the name
         */
        String stream();

        /**
         * Returns the source (blue for a forward stream).
         *
         * @return the source
         */
        DataSource source();

        /**
         * Returns the target.
         *
         * @return the target
         */
        DataSource target();

        /**
         * Returns the transform of one source table; {@link RowTransform#IDENTITY} if it has none.
         *
         * @param sourceTable the unqualified source table
         * @return the transform
         */
        RowTransform transform(String sourceTable);

        /**
         * Tells whether the stream was stopped while copying.
         *
         * @return true once stopped
         */
        boolean cancelled();

        /**
         * Reports rows copied so far; called from any copying thread.
         *
         * @param table the source table
         * @param rows rows of that table copied since the last report
         */
        void copied(String table, long rows);

        /**
         * Tells the host, before copying, that the copy covers this table and about how many rows
         * it holds, for the stream's {@linkplain io.cutover.ReplicationStream#status() status}
         * (tables done of total, rows of the estimate). Optional; call once per table, from any
         * copying thread. Thread-safe.
         *
         * @param sourceTable the source table
         * @param estimatedRows the server's estimate of its rows, or
         *     {@link io.cutover.CopyStatus#UNKNOWN} (-1) if there is none
         */
        default void tablePlanned(String sourceTable, long estimatedRows) {
        }

        /**
         * Tells the host that every row of a table is copied, for the stream's status. Optional;
         * call once per table, from any copying thread. Thread-safe.
         *
         * @param sourceTable the source table
         */
        default void tableCopied(String sourceTable) {
        }

        /**
         * Tells the host where the stream begins, before the copy is done: the engine may start
         * now, while the rows are still being copied. None of its changes is applied on the
         * target until {@link #copy} has returned (with this same start) and the host recorded
         * the copy as finished; if the copy fails or is cancelled they are dropped with the
         * engine. Starting early hides the engine's own start-up behind the copy. Optional: a
         * copy that never calls it gets its engine once it returns; a host may ignore it and do
         * the same. Call at most once, from the thread running {@link #copy}, and only once every
         * change after the copy's snapshot is sure to be streamed from {@code start}.
         *
         * @param start where the engine begins; {@link #copy} must return the same
         * @throws IllegalStateException if called a second time
         */
        default void positionFixed(Start start) {
        }

        /**
         * Records on the target, before the copy writes its first row to a table, that it writes
         * there and whether the table was empty then, so that a copy cut short can be undone
         * ({@link #recordedTables}). The first record of a table stands until it is forgotten: a
         * second one for the same table changes nothing. Durable once it returns. Thread-safe.
         *
         * @param targetTable the target table as the dialect names it
         * @param wasEmpty whether the table held no rows before the copy
         * @throws NullPointerException if {@code targetTable} is null
         * @throws SQLException if the target refuses
         */
        void recordTable(String targetTable, boolean wasEmpty) throws SQLException;

        /**
         * Returns the tables recorded by {@link #recordTable} for this stream and not forgotten
         * yet: in {@link #discardPartialCopy}, or at the start of a {@link #copy}, those a copy
         * that did not finish wrote to.
         *
         * @return target table to whether it was empty, in no particular order
         * @throws SQLException if the target refuses
         */
        Map<String, Boolean> recordedTables() throws SQLException;

        /**
         * Forgets the tables recorded for this stream. The host does so itself once a copy
         * returns and once {@link #discardPartialCopy} returns; a copy calls it to start from a
         * clean ledger without undoing what an earlier attempt left.
         *
         * @throws SQLException if the target refuses
         */
        void forgetRecordedTables() throws SQLException;
    }
}
