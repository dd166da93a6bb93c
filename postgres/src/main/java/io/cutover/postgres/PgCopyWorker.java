package io.cutover.postgres;

import io.cutover.Row;
import io.cutover.spi.InitialLoad;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * One worker of a bulk initial copy: takes chunks from the scheduler and copies each in its own
 * target transaction, reading through its source connection, whose transaction imported the
 * copy's snapshot. The COPY modes stream {@code COPY ... TO STDOUT} into {@code COPY ... FROM
 * STDIN} without decoding; the row mode reads typed rows, applies the table's transform and
 * upserts them in batches. Runs on one thread; {@link #abort()} may be called from another.
 */
final class PgCopyWorker implements Callable<Void> {

    /** Rows per upsert batch in the row mode. */
    static final int BATCH_ROWS = 1000;

    private static final int CHECK_EVERY_ROWS = 4096;

    private final Connection reader;
    private final DataSource targetSource;
    private final PgCopyPlanner planner;
    private final PgCopyScheduler scheduler;
    private final InitialLoad.Context context;
    private final PgDialect dialect;
    private volatile Connection target;
    private volatile boolean aborted;
    private final Map<String, PgCopyTable> otherTargets = new LinkedHashMap<>();

    PgCopyWorker(Connection reader, DataSource targetSource, PgCopyPlanner planner, PgCopyScheduler scheduler,
            InitialLoad.Context context, PgDialect dialect) {
        this.reader = reader;
        this.targetSource = targetSource;
        this.planner = planner;
        this.scheduler = scheduler;
        this.context = context;
        this.dialect = dialect;
    }

    @Override
    public Void call() throws Exception {
        try (Connection t = targetSource.getConnection()) {
            dialect.prepareApplierSession(t);
            try (Statement st = t.createStatement()) {
                // The copy is durable once the host's "done" marker commits: that commit flushes the WAL before it.
                st.execute("SET synchronous_commit = off");
            }
            t.setAutoCommit(false);
            target = t;
            PgCopyChunk chunk;
            while ((chunk = scheduler.next()) != null) {
                checkStopped();
                long rows = chunk.table().mode() == PgCopyTable.Mode.ROWS ? copyRows(chunk) : copyStream(chunk);
                t.commit();
                context.copied(chunk.table().sourceTable(), rows);
                scheduler.done(chunk);
            }
            return null;
        } catch (Exception e) {
            scheduler.failed(e);
            throw e;
        } finally {
            target = null;
        }
    }

    /** Stops the worker soon: cancels what its connections are running. */
    void abort() {
        aborted = true;
        cancel(reader);
        Connection t = target;
        if (t != null) {
            cancel(t);
        }
    }

    private static void cancel(Connection c) {
        try {
            c.unwrap(PGConnection.class).cancelQuery();
        } catch (SQLException ignored) {
            // the connection is closed or broken: nothing runs on it
        }
    }

    private void checkStopped() throws InterruptedException {
        if (aborted || context.cancelled()) {
            throw new InterruptedException("initial copy of stream '" + context.stream() + "' cancelled");
        }
    }

    private long copyStream(PgCopyChunk chunk) throws SQLException, InterruptedException {
        PgCopyTable t = chunk.table();
        String columns = t.columns().stream().map(PgDialect::quote).collect(Collectors.joining(", "));
        String format = t.mode() == PgCopyTable.Mode.BINARY ? " (FORMAT binary)" : "";
        String out = chunk.fromPage() < 0
                ? "COPY " + planner.qualified(t.sourceTable()) + " (" + columns + ") TO STDOUT" + format
                : "COPY (SELECT " + columns + " FROM " + planner.qualified(t.sourceTable()) + chunk.where() + ") TO STDOUT" + format;
        String in = "COPY " + planner.qualified(t.targetTable()) + " (" + columns + ") FROM STDIN" + format;
        CopyManager from = reader.unwrap(PGConnection.class).getCopyAPI();
        CopyManager to = target.unwrap(PGConnection.class).getCopyAPI();
        CopyOut copyOut = from.copyOut(out);
        CopyIn copyIn = null;
        try {
            copyIn = to.copyIn(in);
            // Rows arrive one message each; coalesce them into large messages for the target.
            PGCopyOutputStream sink = new PGCopyOutputStream(copyIn, 1 << 16);
            long n = 0;
            byte[] row;
            while ((row = copyOut.readFromCopy()) != null) {
                sink.write(row);
                if (++n % CHECK_EVERY_ROWS == 0) {
                    checkStopped();
                }
            }
            return sink.endCopy();
        } catch (java.io.IOException e) {
            cancelQuietly(copyOut, copyIn);
            SQLException failure = new SQLException("copying " + chunk + " to the target: " + e.getMessage(), e);
            rollback(failure);
            throw failure;
        } catch (SQLException | InterruptedException | RuntimeException e) {
            cancelQuietly(copyOut, copyIn);
            rollback(e);
            throw e;
        }
    }

    private static void cancelQuietly(CopyOut copyOut, CopyIn copyIn) {
        try {
            if (copyOut.isActive()) {
                copyOut.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the reader's transaction fails the copy anyway
        }
        try {
            if (copyIn != null && copyIn.isActive()) {
                copyIn.cancelCopy();
            }
        } catch (SQLException ignored) {
            // rolled back with the transaction
        }
    }

    private long copyRows(PgCopyChunk chunk) throws SQLException, InterruptedException {
        PgCopyTable t = chunk.table();
        String sql = "SELECT " + t.columns().stream().map(PgDialect::quote).collect(Collectors.joining(", "))
                + " FROM " + planner.qualified(t.sourceTable()) + chunk.where();
        Map<List<Object>, List<Map<String, Object>>> batch = new LinkedHashMap<>();
        int batched = 0;
        long n = 0;
        try (PreparedStatement ps = reader.prepareStatement(sql)) {
            ps.setFetchSize(BATCH_ROWS * 2);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                String[] types = new String[md.getColumnCount() + 1];
                for (int i = 1; i < types.length; i++) {
                    types[i] = md.getColumnTypeName(i);
                }
                while (rs.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 1; i < types.length; i++) {
                        values.put(t.columns().get(i - 1), PgRowValues.read(rs, i, types[i]));
                    }
                    Row row = t.transform().apply(new Row(t.sourceTable(), values));
                    batch.computeIfAbsent(List.of(row.table(), List.copyOf(row.values().keySet())), k -> new ArrayList<>())
                            .add(row.values());
                    if (++batched == BATCH_ROWS) {
                        upsert(t, batch);
                        batched = 0;
                    }
                    if (++n % CHECK_EVERY_ROWS == 0) {
                        checkStopped();
                    }
                }
            }
            upsert(t, batch);
            return n;
        } catch (SQLException | InterruptedException | RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    // Keeps the failure that ended the chunk; a broken connection's rollback failure rides along.
    private void rollback(Exception cause) {
        try {
            target.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @SuppressWarnings("unchecked")
    private void upsert(PgCopyTable copied, Map<List<Object>, List<Map<String, Object>>> batch) throws SQLException {
        for (Map.Entry<List<Object>, List<Map<String, Object>>> e : batch.entrySet()) {
            PgCopyTable table = targetOf(copied, (String) e.getKey().get(0));
            List<String> columns = (List<String>) e.getKey().get(1);
            for (String c : columns) {
                if (!table.targetTypes().containsKey(c)) {
                    throw new IllegalStateException("target table " + table.targetTable() + " has no column " + c
                            + "; add it on the target or drop it in the table's RowTransform");
                }
            }
            for (String k : table.targetKey()) {
                if (!columns.contains(k)) {
                    throw new IllegalStateException("row for " + table.targetTable() + " lacks key column " + k
                            + " after its transform; a transform must keep the target's primary key");
                }
            }
            String sql = dialect.upsertSql(planner.schema() + "." + table.targetTable(), columns, table.targetKey());
            try (PreparedStatement ps = target.prepareStatement(sql)) {
                for (Map<String, Object> row : e.getValue()) {
                    int i = 1;
                    for (String c : columns) {
                        dialect.bind(ps, i++, row.get(c), table.targetTypes().get(c));
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        batch.clear();
    }

    // The table a transformed row names; the planned one unless a transform renames it on its own.
    private PgCopyTable targetOf(PgCopyTable copied, String rowTable) throws SQLException {
        String name = rowTable.contains(".") ? rowTable.substring(rowTable.indexOf('.') + 1) : rowTable;
        if (name.equals(copied.targetTable())) {
            return copied;
        }
        PgCopyTable other = otherTargets.get(name);
        if (other == null) {
            other = planner.describeTarget(target, name);
            otherTargets.put(name, other);
        }
        return other;
    }
}
