package io.cutover.mysql;

import com.mysql.cj.jdbc.JdbcStatement;
import io.cutover.Row;
import io.cutover.RowTransform;
import io.cutover.spi.InitialLoad;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies tables from a snapshot connection to the target through a {@link CopyPipe}, by one of
 * two paths:
 * <ul>
 *   <li><b>load</b>: the source's bytes, read from a streaming result set, escaped into
 *       tab-separated chunks of {@value #LOAD_CHUNK_BYTES} bytes and sent with
 *       {@code LOAD DATA LOCAL INFILE … CHARACTER SET binary} from memory. For a table without
 *       a transform whose target is empty and has the same columns, types and character sets, on
 *       a target with {@code local_infile=ON}. Measured faster than multi-row inserts (see
 *       {@link BulkCopy}). {@code LOCAL} turns errors into warnings, so a chunk with any warning,
 *       or fewer rows loaded than sent, fails the copy.</li>
 *   <li><b>upsert</b>: each row read as the change stream would present it ({@link CopyValues}),
 *       passed through its table's transform, and written as {@code INSERT … ON DUPLICATE KEY
 *       UPDATE} in batches that Connector/J rewrites into multi-row statements. For tables with
 *       a transform, targets that already hold rows, or when loading is not possible.</li>
 * </ul>
 * Used by one reading thread; chunks are written on the pipe's thread.
 */
final class TableCopy {
    private static final Logger LOG = LoggerFactory.getLogger(TableCopy.class);
    static final int LOAD_CHUNK_BYTES = 4 << 20;
    static final int UPSERT_CHUNK_ROWS = 2000;

    private final InitialLoad.Context context;
    private final Flavour flavour;
    private final String sourceDb;
    private final String targetDb;
    private final boolean loadAllowed;
    private final MySqlDialect dialect;
    private final Map<String, CopyColumns> targetColumns = new ConcurrentHashMap<>();

    TableCopy(InitialLoad.Context context, Flavour flavour, String sourceDb, String targetDb, boolean loadAllowed) {
        this.context = context;
        this.flavour = flavour;
        this.sourceDb = sourceDb;
        this.targetDb = targetDb;
        this.loadAllowed = loadAllowed;
        this.dialect = new MySqlDialect(targetDb);
    }

    /**
     * Copies one source table.
     *
     * @param snapshot a connection inside the copy's snapshot
     * @param target a connection to the target, for reading its columns
     * @param table the source table
     * @param pipe the writer
     * @throws SQLException if either side refuses
     * @throws InterruptedException if the copy was cancelled
     */
    void copy(Connection snapshot, Connection target, String table, CopyPipe pipe) throws SQLException, InterruptedException {
        long t0 = System.nanoTime();
        String path = copyTable(snapshot, target, table, pipe);
        LOG.debug("stream '{}': read {} by {} in {} ms", context.stream(), table, path, (System.nanoTime() - t0) / 1_000_000);
    }

    // Returns the path taken, for the log.
    private String copyTable(Connection snapshot, Connection target, String table, CopyPipe pipe)
            throws SQLException, InterruptedException {
        CopyColumns source = CopyColumns.read(snapshot, sourceDb, table);
        if (source.columns().isEmpty()) {
            throw new SQLException("source table " + sourceDb + "." + table + " has no columns (does it exist?)");
        }
        RowTransform transform = context.transform(table);
        if (transform == RowTransform.IDENTITY) {
            CopyColumns dst = targetColumns(target, table);
            boolean empty = record(target, table);
            boolean json = source.columns().stream().anyMatch(c -> c.dataType().equals("json"));
            // MySQL refuses JSON from a binary character set; MariaDB's JSON is LONGTEXT.
            if (empty && loadAllowed && source.sameShapeAs(dst) && !(json && flavour == Flavour.MYSQL)) {
                load(snapshot, source, pipe);
                return "LOAD DATA";
            }
        }
        upsert(snapshot, source, transform, pipe);
        return "upserts";
    }

    // Has the host record, before the table's first row, whether it is empty: a copy cut short
    // empties again only the tables it found empty. Returns whether it is.
    private boolean record(Connection target, String table) throws SQLException {
        boolean empty;
        try (Statement st = target.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM " + MySqlSql.qualified(targetDb, table) + " LIMIT 1")) {
            empty = !rs.next();
        }
        context.recordTable(table, empty);
        return empty;
    }

    private CopyColumns targetColumns(Connection target, String table) throws SQLException {
        CopyColumns known = targetColumns.get(table);
        if (known == null) {
            known = CopyColumns.read(target, targetDb, table);
            if (known.columns().isEmpty()) {
                throw new SQLException("target table " + targetDb + "." + table + " does not exist; create it first");
            }
            targetColumns.put(table, known);
        }
        return known;
    }

    private String select(CopyColumns columns) {
        return "SELECT " + columns.names().stream().map(MySqlSql::quote).collect(Collectors.joining(", "))
                + " FROM " + MySqlSql.qualified(sourceDb, columns.table());
    }

    private static Statement streaming(Connection snapshot) throws SQLException {
        Statement st = snapshot.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        // Connector/J streams row by row with this fetch size instead of buffering the table.
        st.setFetchSize(Integer.MIN_VALUE);
        return st;
    }

    // Ends a streaming read early: without it, closing the result set reads every remaining row.
    private void cancelled(Statement st) throws InterruptedException {
        try {
            st.cancel();
        } catch (SQLException ignored) {
            // the close that follows ends it anyway
        }
        throw new InterruptedException("copy of stream '" + context.stream() + "' cancelled");
    }

    private void load(Connection snapshot, CopyColumns columns, CopyPipe pipe) throws SQLException, InterruptedException {
        String table = columns.table();
        String sql = "LOAD DATA LOCAL INFILE 'cutover-copy' INTO TABLE " + MySqlSql.qualified(targetDb, table)
                + " CHARACTER SET binary (" + columns.names().stream().map(MySqlSql::quote).collect(Collectors.joining(", ")) + ")";
        // unique_checks stays on: with it off, MariaDB 11 loads an empty table in bulk mode under
        // a table lock, and a chunk was seen to hang behind a concurrent reader of the table.
        int n = columns.columns().size();
        try (Statement st = streaming(snapshot); ResultSet rs = st.executeQuery(select(columns))) {
            Tsv tsv = new Tsv(LOAD_CHUNK_BYTES + (LOAD_CHUNK_BYTES >> 3));
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    if (i > 1) {
                        tsv.put((byte) '\t');
                    }
                    tsv.field(rs.getBytes(i));
                }
                tsv.endRow();
                if (tsv.length >= LOAD_CHUNK_BYTES) {
                    if (context.cancelled()) {
                        cancelled(st);
                    }
                    pipe.put(loadChunk(table, sql, tsv));
                    tsv = new Tsv(LOAD_CHUNK_BYTES + (LOAD_CHUNK_BYTES >> 3));
                }
            }
            if (tsv.rows > 0) {
                pipe.put(loadChunk(table, sql, tsv));
            }
        }
    }

    private CopyPipe.Chunk loadChunk(String table, String sql, Tsv tsv) {
        byte[] data = tsv.bytes;
        int length = tsv.length;
        int rows = tsv.rows;
        return target -> {
            try (Statement st = target.createStatement()) {
                st.unwrap(JdbcStatement.class).setLocalInfileInputStream(new ByteArrayInputStream(data, 0, length));
                long loaded = st.executeLargeUpdate(sql);
                SQLWarning w = st.getWarnings();
                if (w != null || loaded != rows) {
                    throw new SQLException("loading " + rows + " rows into " + targetDb + "." + table + " loaded " + loaded
                            + (w == null ? "" : "; first warning: " + w.getMessage())
                            + "; is something else writing to the target table during the copy?");
                }
            }
            context.copied(table, rows);
        };
    }

    private void upsert(Connection snapshot, CopyColumns columns, RowTransform transform, CopyPipe pipe)
            throws SQLException, InterruptedException {
        String table = columns.table();
        List<CopyColumns.Column> cols = columns.columns();
        List<Row> chunk = new ArrayList<>(UPSERT_CHUNK_ROWS);
        java.util.Set<String> recorded = new java.util.HashSet<>();
        try (Statement st = streaming(snapshot); ResultSet rs = st.executeQuery(select(columns))) {
            while (rs.next()) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < cols.size(); i++) {
                    values.put(cols.get(i).name(), CopyValues.read(rs, i + 1, cols.get(i)));
                }
                Row row = transform.apply(new Row(table, values));
                if (recorded.add(row.table())) {
                    try (Connection target = context.target().getConnection()) {
                        record(target, row.table());
                    }
                }
                chunk.add(row);
                if (chunk.size() >= UPSERT_CHUNK_ROWS) {
                    if (context.cancelled()) {
                        cancelled(st);
                    }
                    pipe.put(upsertChunk(table, chunk));
                    chunk = new ArrayList<>(UPSERT_CHUNK_ROWS);
                }
            }
            if (!chunk.isEmpty()) {
                pipe.put(upsertChunk(table, chunk));
            }
        }
    }

    private CopyPipe.Chunk upsertChunk(String sourceTable, List<Row> rows) {
        return target -> {
            // Transformed rows of one table normally share a shape; group in case they do not.
            Map<List<Object>, List<Row>> groups = new LinkedHashMap<>();
            for (Row r : rows) {
                groups.computeIfAbsent(List.of(r.table(), List.copyOf(r.values().keySet())), k -> new ArrayList<>()).add(r);
            }
            for (List<Row> group : groups.values()) {
                Row first = group.get(0);
                CopyColumns dst = targetColumns(target, first.table());
                List<String> names = new ArrayList<>(first.values().keySet());
                String[] types = new String[names.size()];
                for (int i = 0; i < names.size(); i++) {
                    CopyColumns.Column c = dst.column(names.get(i));
                    if (c == null) {
                        throw new SQLException("target table " + targetDb + "." + first.table() + " has no column '"
                                + names.get(i) + "' for the copy of " + sourceTable + "; columns: " + dst.names());
                    }
                    types[i] = c.columnType();
                }
                try (PreparedStatement ps = target.prepareStatement(MySqlSql.upsert(targetDb, first.table(), names, dst.keys()))) {
                    for (Row r : group) {
                        int i = 0;
                        for (Object v : r.values().values()) {
                            dialect.bind(ps, i + 1, v, types[i]);
                            i++;
                        }
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            context.copied(sourceTable, rows.size());
        };
    }

    /** Rows in {@code LOAD DATA}'s default format: tab between fields, newline after rows, backslash escapes, \N for NULL. */
    private static final class Tsv {
        byte[] bytes;
        int length;
        int rows;

        Tsv(int capacity) {
            bytes = new byte[capacity];
        }

        void put(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = b;
        }

        void field(byte[] value) {
            if (value == null) {
                put((byte) '\\');
                put((byte) 'N');
                return;
            }
            if (bytes.length - length < value.length * 2) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + value.length * 2));
            }
            for (byte b : value) {
                switch (b) {
                    case '\\' -> {
                        bytes[length++] = '\\';
                        bytes[length++] = '\\';
                    }
                    case '\t' -> {
                        bytes[length++] = '\\';
                        bytes[length++] = 't';
                    }
                    case '\n' -> {
                        bytes[length++] = '\\';
                        bytes[length++] = 'n';
                    }
                    case 0 -> {
                        bytes[length++] = '\\';
                        bytes[length++] = '0';
                    }
                    default -> bytes[length++] = b;
                }
            }
        }

        void endRow() {
            put((byte) '\n');
            rows++;
        }
    }
}
