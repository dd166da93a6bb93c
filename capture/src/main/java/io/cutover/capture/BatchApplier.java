package io.cutover.capture;

import io.cutover.Row;
import io.cutover.RowTransform;
import io.cutover.spi.CaptureDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one batch of changes on the target in one JDBC transaction, together with the stream's
 * offset row. The batch is first applied {@linkplain ApplyPlan#collapsed collapsed} (one batched
 * statement per table and kind, in foreign-key order); if the target refuses that with a
 * constraint violation the transaction is rolled back and the batch applied again in
 * {@linkplain ApplyPlan#ordered source order}. Either way the rows and the offset commit together.
 *
 * <p>Statements are prepared once per table, kind and column set and kept with the connection
 * they were prepared on; they go when the connection goes (after any failure).
 *
 * <p>Not thread-safe: the apply thread owns it and its connection.
 */
final class BatchApplier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);

    private final CaptureDialect dialect;
    private final ConnectionSource target;
    private final ConnectionSource source;
    private Connection sourceConnection;
    private final Function<String, RowTransform> transforms;
    private final OffsetTable offsets;
    private final TargetTables tables = new TargetTables();
    private Connection connection;
    // Statements prepared on connection, by what they do; closed and cleared with it.
    private final Map<StatementKey, PreparedStatement> statements = new HashMap<>();
    private long fallbacks;

    // Column sets differ only by the unchanged TOAST values left out, so there are few; the cap
    // only guards against a pathological source.
    private static final int MAX_STATEMENTS = 256;

    private record StatementKey(String table, boolean delete, List<String> columns) {
    }

    /** Opens target connections; a {@code DataSource::getConnection} in practice. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    BatchApplier(CaptureDialect dialect, ConnectionSource target, ConnectionSource source,
            Function<String, RowTransform> transforms) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.target = Objects.requireNonNull(target, "target");
        this.source = Objects.requireNonNull(source, "source");
        this.transforms = Objects.requireNonNull(transforms, "transforms");
        this.offsets = new OffsetTable(dialect);
    }

    /**
     * Applies the changes and writes the offset row, then commits; on any failure rolls back and
     * drops the connection so the next call starts clean.
     *
     * @param changes the changes in source order
     * @param stream the stream's name (offset row key)
     * @param stored the offset row to write
     * @throws SQLException if the target refuses anything; nothing of the batch is then committed
     */
    void apply(List<Change> changes, String stream, OffsetTable.Stored stored) throws SQLException {
        Connection c = connection();
        try {
            List<ApplyPlan.Item> items = items(c, changes);
            try {
                execute(c, ApplyPlan.collapsed(items));
            } catch (SQLException e) {
                if (!isConstraintViolation(e)) {
                    throw e;
                }
                c.rollback();
                fallbacks++;
                LOG.debug("stream '{}': collapsed batch of {} refused ({}); applying in source order ({} so far)",
                        stream, changes.size(), e.getMessage(), fallbacks);
                execute(c, ApplyPlan.ordered(items));
            }
            offsets.write(c, stream, stored, System.currentTimeMillis());
            c.commit();
        } catch (SQLException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null || c.isClosed()) {
            c = target.open();
            dialect.prepareApplierSession(c);
            c.setAutoCommit(false);
            connection = c;
        }
        return c;
    }

    private void discard() {
        Connection c = connection;
        connection = null;
        // Closing the connection closes its statements; only the references need to go.
        statements.clear();
        offsets.release();
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is dropped below; the server rolls back on close
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    private List<ApplyPlan.Item> items(Connection c, List<Change> changes) throws SQLException {
        List<ApplyPlan.Item> items = new ArrayList<>(changes.size());
        for (Change change : changes) {
            boolean delete = change.kind() == Change.Kind.DELETE;
            Map<String, Object> sourceValues = delete ? change.key()
                    : change.refetch().isEmpty() ? change.values() : refetched(change);
            RowTransform transform = transforms.apply(change.table());
            String tableName = change.table();
            Map<String, Object> values = sourceValues;
            // The identity keeps the change's own (unmodifiable) map: no Row, no copy.
            if (transform != RowTransform.IDENTITY) {
                Row row = transform.apply(new Row(change.table(), sourceValues));
                tableName = row.table();
                values = row.values();
            }
            TargetTables.Table table = tables.table(c, tableName);
            List<Object> key = new ArrayList<>(table.keyColumns().size());
            for (String k : table.keyColumns()) {
                if (!values.containsKey(k)) {
                    throw new IllegalStateException("row for " + table.name() + " lacks key column " + k
                            + " after its transform; a transform must keep the target's primary key");
                }
                key.add(keyPart(values.get(k)));
            }
            if (!delete) {
                for (String col : values.keySet()) {
                    if (!table.columnTypes().containsKey(col)) {
                        throw new IllegalStateException("target table " + table.name() + " has no column " + col
                                + "; add it on the target or drop it in the table's RowTransform");
                    }
                }
            }
            items.add(new ApplyPlan.Item(table, delete, key, values));
        }
        return items;
    }

    // The row is new on the target but the source left values out: read them from the source now.
    // A later change of the row, already on its way, brings anything newer.
    private Map<String, Object> refetched(Change change) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>(change.values());
        List<String> keys = new ArrayList<>(change.key().keySet());
        Connection s = sourceConnection;
        if (s == null || s.isClosed()) {
            s = source.open();
            s.setAutoCommit(true);
            sourceConnection = s;
        }
        try (PreparedStatement ps = s.prepareStatement(dialect.selectSql(change.table(), change.refetch(), keys))) {
            int i = 1;
            for (String k : keys) {
                dialect.bind(ps, i++, change.key().get(k), null);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (int c = 0; c < change.refetch().size(); c++) {
                        Object v = rs.getObject(c + 1);
                        values.put(change.refetch().get(c), v instanceof java.sql.Array a ? java.util.Arrays.asList((Object[]) a.getArray()) : v);
                    }
                }
            }
        } catch (SQLException e) {
            closeSource();
            throw e;
        }
        LOG.debug("re-read {} of {} {} from the source", change.refetch(), change.table(), change.key());
        return values;
    }

    private void closeStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the statement is dropped either way
            }
        }
        statements.clear();
    }

    private void closeSource() {
        Connection s = sourceConnection;
        sourceConnection = null;
        if (s != null) {
            try {
                s.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    private void execute(Connection c, List<ApplyPlan.Step> steps) throws SQLException {
        for (ApplyPlan.Step step : steps) {
            if (step.delete) {
                executeDeletes(c, step);
            } else {
                executeUpserts(c, step);
            }
        }
    }

    private void executeDeletes(Connection c, ApplyPlan.Step step) throws SQLException {
        TargetTables.Table table = step.table;
        PreparedStatement ps = statement(c, new StatementKey(table.name(), true, table.keyColumns()), table);
        for (Map<String, Object> row : step.rows.values()) {
            int i = 1;
            for (String k : table.keyColumns()) {
                dialect.bind(ps, i++, row.get(k), table.columnTypes().get(k));
            }
            ps.addBatch();
        }
        ps.executeBatch();
    }

    private PreparedStatement statement(Connection c, StatementKey key, TargetTables.Table table) throws SQLException {
        PreparedStatement ps = statements.get(key);
        if (ps == null) {
            if (statements.size() >= MAX_STATEMENTS) {
                closeStatements();
            }
            String sql = key.delete() ? dialect.deleteSql(table.name(), table.keyColumns())
                    : dialect.upsertSql(table.name(), key.columns(), table.keyColumns());
            ps = c.prepareStatement(sql);
            statements.put(key, ps);
        } else {
            // A batch refused before the fallback may have left rows behind in some drivers.
            ps.clearBatch();
        }
        return ps;
    }

    private void executeUpserts(Connection c, ApplyPlan.Step step) throws SQLException {
        TargetTables.Table table = step.table;
        // Rows that carry different column sets (an unchanged TOAST value left out) need different SQL.
        Map<List<String>, List<Map<String, Object>>> byColumns = new LinkedHashMap<>();
        List<String> columns = null;
        List<Map<String, Object>> group = null;
        for (Map<String, Object> row : step.rows.values()) {
            // Consecutive rows nearly always share their columns: compare instead of copying the names.
            if (columns == null || !sameColumns(row, columns)) {
                columns = List.copyOf(row.keySet());
                group = byColumns.computeIfAbsent(columns, k -> new ArrayList<>());
            }
            group.add(row);
        }
        for (Map.Entry<List<String>, List<Map<String, Object>>> e : byColumns.entrySet()) {
            List<String> names = e.getKey();
            PreparedStatement ps = statement(c, new StatementKey(table.name(), false, names), table);
            for (Map<String, Object> row : e.getValue()) {
                int i = 1;
                for (String col : names) {
                    dialect.bind(ps, i++, row.get(col), table.columnTypes().get(col));
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // Same names in the same order.
    private static boolean sameColumns(Map<String, Object> row, List<String> columns) {
        if (row.size() != columns.size()) {
            return false;
        }
        int i = 0;
        for (String name : row.keySet()) {
            if (!name.equals(columns.get(i++))) {
                return false;
            }
        }
        return true;
    }

    // SQLSTATE class 23: integrity constraint violation, possibly wrapped in a BatchUpdateException.
    private static boolean isConstraintViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException n = s; n != null; n = n.getNextException()) {
                    if (n.getSQLState() != null && n.getSQLState().startsWith("23")) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    // byte[] has identity equality; compare keys by content.
    private static Object keyPart(Object value) {
        return value instanceof byte[] bytes ? java.nio.ByteBuffer.wrap(bytes) : value;
    }

    @Override
    public void close() {
        discard();
        closeSource();
    }
}
