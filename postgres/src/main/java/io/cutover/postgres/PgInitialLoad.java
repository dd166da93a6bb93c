package io.cutover.postgres;

import io.cutover.spi.InitialLoad;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's bulk initial copy. Creates the stream's slot on a replication connection, which
 * exports the snapshot the slot starts at; every worker's source transaction imports that
 * snapshot before the exporting connection closes, so the workers together read exactly the
 * rows the slot's first change follows. Workers copy page ranges of the tables in parallel with
 * {@code COPY} (binary where the target's columns have the source's types, text where the
 * target casts), or as typed rows through the table's transform, upserted where the target
 * table already held rows. The engine streams from the slot with no snapshot of its own; it
 * starts as soon as the slot is free, while the rows are copied, and its changes wait for the copy.
 *
 * <p>Before any row is written, each target table is recorded with the capture host
 * ({@link Context#recordTable}), saying whether it was empty; the host forgets the record when the
 * copy ends. A copy cut short leaves it, and the next attempt empties exactly the tables found
 * empty again. Used by one thread at a time.
 */
final class PgInitialLoad implements InitialLoad {

    private static final Logger LOG = LoggerFactory.getLogger(PgInitialLoad.class);

    private final PgEndpoint source;
    private final PgEndpoint target;
    private final PgNames names;
    private final PgCapture capture;
    private final PgDialect dialect;
    // A quarter of wal_sender_timeout at 20 MB/s: bytes allowed per millisecond of the timeout.
    private static final long EARLY_START_BYTES_PER_TIMEOUT_MILLI = 20_000_000L / 1000 / 4;

    private final List<String> sourceTables;
    private final List<String> targetTables;
    private final int workers;

    PgInitialLoad(PgEndpoint source, PgEndpoint target, PgNames names, PgCapture capture, PgDialect dialect,
            List<String> sourceTables, List<String> targetTables, int workers) {
        this.source = source;
        this.target = target;
        this.names = names;
        this.capture = capture;
        this.dialect = dialect;
        this.sourceTables = List.copyOf(sourceTables);
        this.targetTables = List.copyOf(targetTables);
        this.workers = workers;
    }

    @Override
    public Start copy(Context context) throws SQLException, InterruptedException {
        // Rows of an attempt that never finished (a close() while copying forgets the marker, not the record).
        emptyRecordedTables(context);
        // A slot left by an earlier attempt starts where a snapshot that is gone was taken.
        capture.dropSlot();
        PgCopyPlanner planner = new PgCopyPlanner(names.schema(), sourceTables, targetTables, context::transform, workers);
        List<Connection> readers = new ArrayList<>();
        try {
            try (Connection replication = source.replicationConnection()) {
                ReplicationSlotInfo slot = replication.unwrap(PGConnection.class).getReplicationAPI()
                        .createReplicationSlot().logical().withSlotName(names.slot()).withOutputPlugin("pgoutput").make();
                for (int i = 0; i < workers; i++) {
                    readers.add(reader(slot.getSnapshotName()));
                }
                LOG.info("stream '{}': slot {} created at {} on {}; copying under its snapshot with {} workers",
                        context.stream(), names.slot(), slot.getConsistentPoint(), source, workers);
            } // every reader imported the snapshot: the exporting connection may go
            // The slot is free now and every later change is streamed from it: the engine can start
            // while the rows are copied (the host holds its changes until this copy returns), if the
            // copy is short enough for the held engine to keep its connection.
            if (earlyStartFits(context, readers.get(0))) {
                context.positionFixed(Start.SOURCE_POSITION);
            }
            // A fence written before the slot existed is never streamed: the host rewrites the
            // stream's fence row once this copy returns, and the slot streams that.
            List<PgCopyTable> tables;
            try (Connection t = target.dataSource().getConnection()) {
                tables = planner.tables(readers.get(0), t);
            }
            for (PgCopyTable table : tables) {
                context.recordTable(table.targetTable(), table.targetWasEmpty());
            }
            List<PgCopyChunk> chunks = planner.chunks(readers.get(0), tables);
            for (PgCopyTable t : tables) {
                LOG.info("stream '{}': copying {} to {} by {}{}", context.stream(), t.sourceTable(), t.targetTable(), t.mode(),
                        t.targetWasEmpty() ? "" : " upserts (the target table already holds rows)");
            }
            run(new PgCopyTally(context, tables, estimates(readers.get(0), tables), chunks), planner, readers, chunks);
            return Start.SOURCE_POSITION;
        } finally {
            for (Connection r : readers) {
                closeQuietly(r);
            }
        }
    }

    // The planner's row estimates (pg_class.reltuples), for the stream's status; -1 for a table never
    // analysed (reltuples -1 from PostgreSQL 14, 0 before it even when the table holds rows).
    private Map<String, Long> estimates(Connection reader, List<PgCopyTable> tables) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = reader.prepareStatement("SELECT CASE WHEN c.reltuples > 0 OR pg_relation_size(c.oid) = 0"
                + " THEN greatest(c.reltuples, 0)::bigint ELSE -1 END FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            for (PgCopyTable t : tables) {
                ps.setString(1, names.schema());
                ps.setString(2, t.sourceTable());
                try (ResultSet rs = ps.executeQuery()) {
                    out.put(t.sourceTable(), rs.next() ? Math.max(-1L, rs.getLong(1)) : -1L);
                }
            }
        }
        return out;
    }

    /**
     * Tells whether the engine may start before the copy ends. While the copy runs the engine's
     * changes are held, its queue fills and it stops reading; a walsender that hears nothing for
     * {@code wal_sender_timeout} ends the connection (reproduced in InitialCopyIT with a 1 s
     * timeout), and the stream would fail when the copy ends. So only a copy expected to take a
     * quarter of that timeout at a slow 20 MB/s starts the engine early; a larger one starts it
     * after, at the slot, losing only the overlap.
     */
    private boolean earlyStartFits(Context context, Connection reader) throws SQLException {
        String[] tables = sourceTables.toArray(String[]::new);
        try (PreparedStatement ps = reader.prepareStatement("SELECT coalesce(sum(pg_table_size(c.oid)), 0),"
                + " (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_sender_timeout')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ANY (?)")) {
            ps.setString(1, names.schema());
            ps.setArray(2, reader.createArrayOf("text", tables));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long bytes = rs.getLong(1);
                long timeoutMillis = rs.getLong(2);
                long allowed = timeoutMillis * EARLY_START_BYTES_PER_TIMEOUT_MILLI;
                boolean fits = timeoutMillis == 0 || bytes <= allowed;
                LOG.info("stream '{}': {} MiB to copy, wal_sender_timeout {} ms: the engine starts {}", context.stream(),
                        bytes >> 20, timeoutMillis, fits ? "now, its changes held until the copy ends" : "after the copy");
                return fits;
            }
        }
    }

    @Override
    public void discardPartialCopy(Context context) throws SQLException {
        capture.dropSlot();
        emptyRecordedTables(context);
    }

    // A source connection in a repeatable-read transaction on the exported snapshot.
    private Connection reader(String snapshot) throws SQLException {
        if (snapshot == null || !snapshot.matches("[0-9A-Fa-f-]+")) {
            throw new SQLException("the source exported no usable snapshot with slot " + names.slot() + " (got " + snapshot + ")");
        }
        Connection c = source.dataSource().getConnection();
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            }
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private void run(Context context, PgCopyPlanner planner, List<Connection> readers, List<PgCopyChunk> chunks)
            throws SQLException, InterruptedException {
        PgCopyScheduler scheduler = new PgCopyScheduler(chunks);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(readers.size(), r -> {
            Thread t = new Thread(r, "cutover-copy-" + context.stream() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<PgCopyWorker> running = new ArrayList<>();
        ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
        for (Connection reader : readers) {
            PgCopyWorker w = new PgCopyWorker(reader, target.dataSource(), planner, scheduler, context, dialect);
            running.add(w);
            done.submit(w);
        }
        try {
            for (int i = 0; i < running.size(); i++) {
                try {
                    done.take().get();
                } catch (ExecutionException e) {
                    // The first failure ends the copy: stop the others instead of letting them finish their chunks.
                    running.forEach(PgCopyWorker::abort);
                }
            }
        } catch (InterruptedException e) {
            scheduler.cancel();
            running.forEach(PgCopyWorker::abort);
            pool.shutdownNow();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("stream '{}': copy workers still running 30 s after the copy was stopped", context.stream());
            }
            throw e;
        } finally {
            pool.shutdown();
        }
        Throwable failure = scheduler.failure();
        if (failure instanceof SQLException s) {
            throw s;
        } else if (failure instanceof InterruptedException ie) {
            throw ie;
        } else if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure != null) {
            throw new SQLException(failure.getMessage(), failure);
        }
    }

    // Empties the target tables an unfinished copy recorded as empty when it began; others it only upserted into.
    private void emptyRecordedTables(Context context) throws SQLException {
        List<String> tables = context.recordedTables().entrySet().stream().filter(java.util.Map.Entry::getValue)
                .map(java.util.Map.Entry::getKey).sorted().toList();
        if (tables.isEmpty()) {
            // Tables that held rows before are only upserted into: nothing to undo.
            context.forgetRecordedTables();
            return;
        }
        try (Connection t = target.dataSource().getConnection()) {
            dialect.prepareApplierSession(t);
            List<String> qualified = tables.stream().map(n -> PgDialect.quote(names.schema()) + "." + PgDialect.quote(n)).toList();
            try (Statement st = t.createStatement()) {
                st.execute("TRUNCATE " + String.join(", ", qualified));
            } catch (SQLException e) {
                if (!"0A000".equals(e.getSQLState())) {
                    throw e;
                }
                // A table outside the copy references one of them: TRUNCATE refuses, DELETE checks row by row.
                deleteAll(t, qualified);
            }
            context.forgetRecordedTables();
            LOG.info("stream '{}': emptied {} on {}, which an unfinished initial copy had written to", names.stream(), tables, target);
        }
    }

    // Deletes the tables' rows, referencing tables before the tables they reference (retried until none is left).
    private static void deleteAll(Connection t, List<String> tables) throws SQLException {
        List<String> left = new ArrayList<>(tables);
        SQLException last = null;
        while (!left.isEmpty()) {
            boolean progress = false;
            for (java.util.Iterator<String> it = left.iterator(); it.hasNext(); ) {
                String table = it.next();
                try (Statement st = t.createStatement()) {
                    st.executeUpdate("DELETE FROM " + table);
                    it.remove();
                    progress = true;
                } catch (SQLException e) {
                    if (!"23503".equals(e.getSQLState())) {
                        throw e;
                    }
                    last = e;
                }
            }
            if (!progress) {
                throw last;
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // a connection broken by a cancelled copy
        }
    }
}
