package io.cutover.capture;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The target's tables as the applier needs them: primary key columns and column type names,
 * read once per table from JDBC metadata and cached. Used from the apply thread only.
 */
final class TargetTables {

    /**
     * One target table.
     *
     * @param name the name the transform gave
     * @param keyColumns primary key columns in key order
     * @param columnTypes column name to type name, in table order
     * @param references names of the tables this one's foreign keys point to (lower case)
     */
    record Table(String name, List<String> keyColumns, Map<String, String> columnTypes, java.util.Set<String> references) {
    }

    private final Map<String, Table> tables = new HashMap<>();

    Table table(Connection connection, String name) throws SQLException {
        Table cached = tables.get(name);
        if (cached != null) {
            return cached;
        }
        Table loaded = load(connection, name);
        tables.put(name, loaded);
        return loaded;
    }

    private static Table load(Connection connection, String name) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String schema = null;
        String table = name;
        int dot = name.indexOf('.');
        if (dot > 0) {
            schema = name.substring(0, dot);
            table = name.substring(dot + 1);
        } else {
            schema = connection.getSchema();
        }
        String catalog = connection.getCatalog();
        for (String candidate : new String[] {table, table.toLowerCase(java.util.Locale.ROOT), table.toUpperCase(java.util.Locale.ROOT)}) {
            Map<String, String> types = columns(meta, catalog, schema, candidate);
            if (!types.isEmpty()) {
                List<String> keys = keys(meta, catalog, schema, candidate);
                if (keys.isEmpty()) {
                    throw new SQLException("target table " + name + " has no primary key; the applier upserts and deletes by key");
                }
                return new Table(name, keys, types, references(meta, catalog, schema, candidate));
            }
        }
        throw new SQLException("target table " + name + " does not exist (schema " + schema + ")");
    }

    private static Map<String, String> columns(DatabaseMetaData meta, String catalog, String schema, String table)
            throws SQLException {
        TreeMap<Integer, String[]> ordered = new TreeMap<>();
        try (ResultSet rs = meta.getColumns(catalog, schema, table, null)) {
            while (rs.next()) {
                ordered.put(rs.getInt("ORDINAL_POSITION"), new String[] {rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME")});
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        ordered.values().forEach(c -> out.put(c[0], c[1]));
        return Collections.unmodifiableMap(out);
    }

    private static java.util.Set<String> references(DatabaseMetaData meta, String catalog, String schema, String table)
            throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (ResultSet rs = meta.getImportedKeys(catalog, schema, table)) {
            while (rs.next()) {
                out.add(rs.getString("PKTABLE_NAME").toLowerCase(java.util.Locale.ROOT));
            }
        }
        return java.util.Set.copyOf(out);
    }

    private static List<String> keys(DatabaseMetaData meta, String catalog, String schema, String table)
            throws SQLException {
        TreeMap<Integer, String> ordered = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                ordered.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(new ArrayList<>(ordered.values()));
    }
}
