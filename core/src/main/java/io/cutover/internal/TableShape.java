package io.cutover.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One side's table as the verifier queries it: its qualified, quoted name, its columns and its
 * primary key columns (in key order), found through JDBC metadata; and the SQL of the three reads
 * (a chunk after a key, a key range, a list of keys). Immutable.
 */
final class TableShape {
    final String name;
    final List<String> columns;
    final List<String> keys;
    private final String from;
    private final String select;
    private final String keyTuple;
    private final String order;
    private final String last;

    private TableShape(String name, String quote, String schema, List<String> columns, List<String> keys) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.keys = List.copyOf(keys);
        this.from = (schema == null ? "" : q(quote, schema) + ".") + q(quote, name);
        this.select = "SELECT " + columns.stream().map(c -> q(quote, c)).collect(Collectors.joining(", ")) + " FROM " + from;
        List<String> quotedKeys = keys.stream().map(k -> q(quote, k)).toList();
        this.keyTuple = quotedKeys.size() == 1 ? quotedKeys.get(0) : "(" + String.join(", ", quotedKeys) + ")";
        this.order = " ORDER BY " + String.join(", ", quotedKeys);
        this.last = "SELECT " + String.join(", ", quotedKeys) + " FROM " + from + " ORDER BY "
                + quotedKeys.stream().map(k -> k + " DESC").collect(Collectors.joining(", ")) + " LIMIT 1";
    }

    /**
     * Looks a table up on one side.
     *
     * @param c a connection to the side
     * @param schema the schema or database, or null for the connection's current one
     * @param table the table's name (its case is tried as given, lower and upper)
     * @param side "source" or "target", for messages
     * @return the table
     * @throws SQLException on a driver error
     * @throws IllegalStateException if there is no such table or it has no primary key
     */
    static TableShape find(Connection c, String schema, String table, String side) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String quote = meta.getIdentifierQuoteString();
        quote = quote == null || quote.isBlank() ? "" : quote.trim();
        List<String[]> places = new ArrayList<>();
        if (schema == null) {
            places.add(new String[] {c.getCatalog(), c.getSchema()});
        } else {
            places.add(new String[] {schema, null});
            places.add(new String[] {null, schema});
        }
        for (String[] where : places) {
            for (String candidate : candidates(table)) {
                List<String> columns = columns(meta, where[0], where[1], candidate, schema);
                if (!columns.isEmpty()) {
                    List<String> keys = keys(meta, where[0], where[1], candidate, schema);
                    if (keys.isEmpty()) {
                        throw new IllegalStateException(side + " table '" + table + "' has no primary key; the verifier"
                                + " reads tables in primary-key order, so give it one");
                    }
                    return new TableShape(candidate, quote, schema, columns, keys);
                }
            }
        }
        throw new IllegalStateException(side + " table '" + table + "' not found"
                + (schema == null ? " in the connection's current schema" : " in '" + schema + "'")
                + "; check the name and the schema");
    }

    private static List<String> candidates(String table) {
        List<String> out = new ArrayList<>(List.of(table));
        for (String c : List.of(table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT))) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    // A driver may search every schema (or database) when asked for none, or read the schema
    // argument as a pattern: only rows of the table itself, in the schema asked for, count.
    private static boolean ours(ResultSet rs, String table, String wanted) throws SQLException {
        return table.equals(rs.getString("TABLE_NAME")) && (wanted == null
                || wanted.equals(rs.getString("TABLE_SCHEM")) || wanted.equals(rs.getString("TABLE_CAT")));
    }

    private static List<String> columns(DatabaseMetaData meta, String catalog, String schema, String table,
            String wanted) throws SQLException {
        TreeMap<Integer, String> ordered = new TreeMap<>();
        try (ResultSet rs = meta.getColumns(catalog, schema, table, null)) {
            while (rs.next()) {
                if (ours(rs, table, wanted)) {
                    ordered.put(rs.getInt("ORDINAL_POSITION"), rs.getString("COLUMN_NAME"));
                }
            }
        }
        return new ArrayList<>(ordered.values());
    }

    private static List<String> keys(DatabaseMetaData meta, String catalog, String schema, String table,
            String wanted) throws SQLException {
        TreeMap<Integer, String> ordered = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                if (ours(rs, table, wanted)) {
                    ordered.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
                }
            }
        }
        return new ArrayList<>(ordered.values());
    }

    private static String q(String quote, String name) {
        return quote.isEmpty() ? name : quote + name.replace(quote, quote + quote) + quote;
    }

    private String params(int n) {
        return n == 1 ? "?" : "(" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
    }

    /** The highest key. */
    String lastKey() {
        return last;
    }

    /** The rows with a key above the lower bound and at most the upper; either bound may be absent. */
    String range(boolean lower, boolean upper, int limit) {
        StringBuilder sql = new StringBuilder(select);
        String p = params(keys.size());
        if (lower) {
            sql.append(" WHERE ").append(keyTuple).append(" > ").append(p);
        }
        if (upper) {
            sql.append(lower ? " AND " : " WHERE ").append(keyTuple).append(" <= ").append(p);
        }
        sql.append(order);
        if (limit > 0) {
            sql.append(" LIMIT ").append(limit);
        }
        return sql.toString();
    }

    /** The rows with the given number of keys. */
    String byKeys(int n) {
        return select + " WHERE " + keyTuple + " IN (" + String.join(", ", java.util.Collections.nCopies(n, params(keys.size())))
                + ")";
    }

    @Override
    public String toString() {
        return from;
    }
}
