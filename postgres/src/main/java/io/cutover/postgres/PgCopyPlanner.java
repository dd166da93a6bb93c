package io.cutover.postgres;

import io.cutover.RowTransform;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Plans a bulk initial copy: reads each table's columns on both sides, picks how its rows travel
 * ({@link PgCopyTable.Mode}), finds the foreign keys that order the tables on the target, and
 * cuts big tables into page ranges so several workers copy one table at once. Reads the source
 * under the copy's snapshot. Stateless between calls; not thread-safe.
 */
final class PgCopyPlanner {

    /** The smallest page range worth a chunk of its own: 2 MB of heap. */
    static final long MIN_CHUNK_PAGES = 256;

    /** Chunks per worker across all tables, so workers that finish early find more to do. */
    static final int CHUNKS_PER_WORKER = 4;

    static final int MAX_CHUNKS_PER_TABLE = 256;

    // Types created in the database have OIDs from here; their binary form can embed OIDs that differ between servers.
    private static final long FIRST_NORMAL_OID = 16384;

    private final String schema;
    private final List<String> sourceTables;
    private final List<String> targetTables;
    private final Function<String, RowTransform> transforms;
    private final int workers;

    PgCopyPlanner(String schema, List<String> sourceTables, List<String> targetTables,
            Function<String, RowTransform> transforms, int workers) {
        this.schema = schema;
        this.sourceTables = List.copyOf(sourceTables);
        this.targetTables = List.copyOf(targetTables);
        this.transforms = transforms;
        this.workers = workers;
    }

    /** One column as the catalog describes it. */
    private record Column(String type, String typeName, long typeOid, boolean generated) {
    }

    List<PgCopyTable> tables(Connection source, Connection target) throws SQLException {
        List<PgCopyTable> out = new ArrayList<>();
        for (int i = 0; i < sourceTables.size(); i++) {
            String src = sourceTables.get(i);
            String tgt = targetTables.get(i);
            Map<String, Column> sourceColumns = columns(source, src, "source");
            Map<String, Column> targetColumns = columns(target, tgt, "target");
            List<String> columns = new ArrayList<>();
            sourceColumns.forEach((name, c) -> {
                if (!c.generated()) {
                    columns.add(name);
                }
            });
            RowTransform transform = transforms.apply(src);
            boolean empty = isEmpty(target, tgt);
            PgCopyTable.Mode mode;
            if (transform != RowTransform.IDENTITY || !empty) {
                mode = PgCopyTable.Mode.ROWS;
            } else {
                mode = PgCopyTable.Mode.BINARY;
                for (String c : columns) {
                    Column theirs = targetColumns.get(c);
                    if (theirs == null) {
                        throw new SQLException("target table " + schema + "." + tgt + " has no column " + c
                                + "; add it on the target or drop it in the table's RowTransform");
                    }
                    Column ours = sourceColumns.get(c);
                    if (!ours.type().equals(theirs.type()) || ours.typeOid() >= FIRST_NORMAL_OID) {
                        mode = PgCopyTable.Mode.TEXT;
                    }
                }
            }
            Map<String, String> targetTypes = new LinkedHashMap<>();
            targetColumns.forEach((name, c) -> targetTypes.put(name, c.typeName()));
            Set<String> references = references(target, tgt);
            Set<String> dependsOn = new HashSet<>();
            for (String r : references) {
                if (targetTables.contains(r) && !r.equals(tgt)) {
                    dependsOn.add(r);
                }
            }
            out.add(new PgCopyTable(src, tgt, columns, mode, transform, targetTypes, primaryKey(target, tgt),
                    dependsOn, references.contains(tgt), empty));
        }
        return out;
    }

    /**
     * Cuts the tables into chunks: page ranges where the server scans TID ranges (PostgreSQL 14
     * and later) and the table is big enough, the whole table otherwise.
     */
    List<PgCopyChunk> chunks(Connection source, List<PgCopyTable> tables) throws SQLException {
        boolean tidRanges = source.getMetaData().getDatabaseMajorVersion() >= 14;
        Map<PgCopyTable, Long> pages = new LinkedHashMap<>();
        long total = 0;
        for (PgCopyTable t : tables) {
            long p = pages(source, t.sourceTable());
            pages.put(t, p);
            total += p;
        }
        long chunkPages = Math.max(MIN_CHUNK_PAGES, total / ((long) workers * CHUNKS_PER_WORKER));
        List<List<PgCopyChunk>> byTable = new ArrayList<>();
        for (Map.Entry<PgCopyTable, Long> e : pages.entrySet()) {
            PgCopyTable t = e.getKey();
            long p = e.getValue();
            List<PgCopyChunk> own = new ArrayList<>();
            byTable.add(own);
            if (!tidRanges || t.selfReferencing() || workers == 1 || p <= chunkPages) {
                own.add(PgCopyChunk.whole(t));
                continue;
            }
            long per = Math.max(chunkPages, (p + MAX_CHUNKS_PER_TABLE - 1) / MAX_CHUNKS_PER_TABLE);
            for (long from = 0; from < p; from += per) {
                own.add(new PgCopyChunk(t, from, from + per >= p ? -1 : from + per));
            }
        }
        return interleave(byTable);
    }

    // One chunk of each table in turn: workers then mostly write different target tables at once,
    // rather than all extending one table's heap and index (and queueing on its extension lock).
    static List<PgCopyChunk> interleave(List<List<PgCopyChunk>> byTable) {
        List<PgCopyChunk> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (List<PgCopyChunk> chunks : byTable) {
                if (i < chunks.size()) {
                    out.add(chunks.get(i));
                    any = true;
                }
            }
            if (!any) {
                return out;
            }
        }
    }

    /** Describes a target table a transform writes to besides the planned ones. */
    PgCopyTable describeTarget(Connection target, String table) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        columns(target, table, "target").forEach((name, c) -> types.put(name, c.typeName()));
        return new PgCopyTable(table, table, List.of(), PgCopyTable.Mode.ROWS, RowTransform.IDENTITY, types,
                primaryKey(target, table), Set.of(), false, false);
    }

    String schema() {
        return schema;
    }

    String qualified(String table) {
        return PgDialect.quote(schema) + "." + PgDialect.quote(table);
    }

    private Map<String, Column> columns(Connection c, String table, String side) throws SQLException {
        Map<String, Column> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname,"
                + " a.atttypid::bigint, a.attgenerated <> '' FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, qualified(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Column(rs.getString(2), rs.getString(3), rs.getLong(4), rs.getBoolean(5)));
                }
            }
        }
        if (out.isEmpty()) {
            throw new SQLException(side + " table " + schema + "." + table + " does not exist");
        }
        return out;
    }

    private boolean isEmpty(Connection target, String table) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM " + qualified(table) + ")");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private List<String> primaryKey(Connection target, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            ps.setString(1, qualified(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        if (out.isEmpty()) {
            throw new SQLException("target table " + schema + "." + table + " has no primary key; the copy and the applier upsert by key");
        }
        return out;
    }

    // Tables in our schema that the table's foreign keys reference.
    private Set<String> references(Connection target, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT r.relname FROM pg_constraint c"
                + " JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
                + " WHERE c.contype = 'f' AND c.conrelid = to_regclass(?) AND n.nspname = ?")) {
            ps.setString(1, qualified(table));
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private long pages(Connection source, String table) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement(
                "SELECT pg_relation_size(to_regclass(?)) / current_setting('block_size')::bigint")) {
            ps.setString(1, qualified(table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
