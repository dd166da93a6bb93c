package io.cutover.internal.capture;

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

/**
 * Applies one batch of changes on the target in one JDBC transaction, together with the stream's
 * offset row. Changes keep their source order; consecutive changes to the same table of the same
 * kind are collapsed by key (the last wins, and an upsert keeps columns an earlier upsert of the
 * same row set when the later one did not carry them) and sent as one JDBC batch. Keeping the
 * order across tables keeps foreign keys satisfied at every statement.
 *
 * <p>Not thread-safe: the apply thread owns it and its connection.
 */
final class BatchApplier implements AutoCloseable {

    private final CaptureDialect dialect;
    private final ConnectionSource target;
    private final Function<String, RowTransform> transforms;
    private final OffsetTable offsets;
    private final TargetTables tables = new TargetTables();
    private Connection connection;

    /** Opens target connections; a {@code DataSource::getConnection} in practice. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    BatchApplier(CaptureDialect dialect, ConnectionSource target, Function<String, RowTransform> transforms) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.target = Objects.requireNonNull(target, "target");
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
     * @param beforeCommit called after every statement ran and before the commit (tests inject crashes here)
     * @throws SQLException if the target refuses anything; nothing of the batch is then committed
     */
    void apply(List<Change> changes, String stream, OffsetTable.Stored stored, Runnable beforeCommit)
            throws SQLException {
        Connection c = connection();
        try {
            for (Group group : group(c, changes)) {
                group.execute(c);
            }
            offsets.write(c, stream, stored, System.currentTimeMillis());
            beforeCommit.run();
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

    private List<Group> group(Connection c, List<Change> changes) throws SQLException {
        List<Group> groups = new ArrayList<>();
        Group current = null;
        for (Change change : changes) {
            boolean delete = change.kind() == Change.Kind.DELETE;
            Row source = new Row(change.table(), delete ? change.key() : change.values());
            Row row = transforms.apply(change.table()).apply(source);
            TargetTables.Table table = tables.table(c, row.table());
            if (current == null || !current.table.name().equals(table.name()) || current.delete != delete) {
                current = new Group(table, delete);
                groups.add(current);
            }
            current.add(row);
        }
        return groups;
    }

    /** Consecutive changes of one kind to one table, collapsed by key. */
    private final class Group {
        final TargetTables.Table table;
        final boolean delete;
        final Map<List<Object>, Map<String, Object>> rows = new LinkedHashMap<>();

        Group(TargetTables.Table table, boolean delete) {
            this.table = table;
            this.delete = delete;
        }

        void add(Row row) {
            List<Object> key = new ArrayList<>(table.keyColumns().size());
            for (String k : table.keyColumns()) {
                if (!row.values().containsKey(k)) {
                    throw new IllegalStateException("row for " + table.name() + " lacks key column " + k
                            + " after its transform; a transform must keep the target's primary key");
                }
                key.add(keyPart(row.get(k)));
            }
            Map<String, Object> previous = rows.remove(key);
            if (previous != null && !delete) {
                Map<String, Object> merged = new LinkedHashMap<>(previous);
                merged.putAll(row.values());
                rows.put(key, merged);
            } else {
                rows.put(key, row.values());
            }
        }

        void execute(Connection c) throws SQLException {
            if (delete) {
                executeDeletes(c);
            } else {
                executeUpserts(c);
            }
        }

        private void executeDeletes(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(dialect.deleteSql(table.name(), table.keyColumns()))) {
                for (Map<String, Object> row : rows.values()) {
                    int i = 1;
                    for (String k : table.keyColumns()) {
                        dialect.bind(ps, i++, row.get(k), table.columnTypes().get(k));
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }

        private void executeUpserts(Connection c) throws SQLException {
            // Rows that carry different column sets (an unchanged TOAST value left out) need different SQL.
            Map<List<String>, List<Map<String, Object>>> byColumns = new HashMap<>();
            for (Map<String, Object> row : rows.values()) {
                List<String> columns = new ArrayList<>(row.keySet());
                for (String col : columns) {
                    if (!table.columnTypes().containsKey(col)) {
                        throw new IllegalStateException("target table " + table.name() + " has no column " + col
                                + "; add it on the target or drop it in the table's RowTransform");
                    }
                }
                byColumns.computeIfAbsent(columns, k -> new ArrayList<>()).add(row);
            }
            for (Map.Entry<List<String>, List<Map<String, Object>>> e : byColumns.entrySet()) {
                List<String> columns = e.getKey();
                try (PreparedStatement ps = c.prepareStatement(dialect.upsertSql(table.name(), columns, table.keyColumns()))) {
                    for (Map<String, Object> row : e.getValue()) {
                        int i = 1;
                        for (String col : columns) {
                            dialect.bind(ps, i++, row.get(col), table.columnTypes().get(col));
                        }
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
    }

    // byte[] has identity equality; compare keys by content.
    private static Object keyPart(Object value) {
        return value instanceof byte[] bytes ? java.nio.ByteBuffer.wrap(bytes) : value;
    }

    @Override
    public void close() {
        discard();
    }
}
