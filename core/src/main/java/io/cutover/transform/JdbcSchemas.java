package io.cutover.transform;

import io.cutover.PreflightException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads the real schema of tables, their columns (type names, nullability, defaults) and primary
 * keys, from JDBC {@link DatabaseMetaData}, into the {@link TableSchema}s the schema check
 * compares a mapping with. Works with the PostgreSQL driver and with Connector/J or the MariaDB
 * driver, whether the driver calls the database a catalog (MySQL's default) or a schema.
 *
 * <p>Names are looked up as given, then lower-cased, then upper-cased, so that unquoted names
 * match whatever case the server folded them to; the returned schema keeps the name asked for.
 *
 * <p>Thread safety: stateless; every method may be called from any thread (the connection
 * passed in is used by the calling thread only).
 */
public final class JdbcSchemas {
    private JdbcSchemas() {
    }

    /**
     * Reads tables through a DataSource, on one connection that is closed before returning.
     *
     * @param dataSource where the tables are
     * @param schema the schema (PostgreSQL) or database (MySQL, MariaDB) holding them; null for
     *     the connection's current one
     * @param tables the tables' unqualified names
     * @return table name to schema, in the order asked, holding only the tables that exist
     * @throws NullPointerException if dataSource, tables or a table name is null
     * @throws PreflightException if the database cannot be reached or read; the message says what
     *     failed (never the credentials)
     */
    public static Map<String, TableSchema> read(DataSource dataSource, String schema, Collection<String> tables) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(tables, "tables");
        try (Connection c = dataSource.getConnection()) {
            return read(c, schema, tables);
        } catch (SQLException e) {
            throw new PreflightException("could not read the schema of tables " + tables + ": " + e.getMessage()
                    + "; check that the database is reachable and the user may read its catalog", e);
        }
    }

    /**
     * Reads tables on an open connection, which is left open.
     *
     * @param connection an open connection
     * @param schema the schema (PostgreSQL) or database (MySQL, MariaDB) holding them; null for
     *     the connection's current one
     * @param tables the tables' unqualified names
     * @return table name to schema, in the order asked, holding only the tables that exist
     * @throws NullPointerException if connection, tables or a table name is null
     * @throws SQLException if the metadata cannot be read
     */
    public static Map<String, TableSchema> read(Connection connection, String schema, Collection<String> tables)
            throws SQLException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(tables, "tables");
        Where where = Where.of(connection, schema);
        DatabaseMetaData meta = connection.getMetaData();
        Map<String, TableSchema> out = new LinkedHashMap<>();
        for (String table : tables) {
            Objects.requireNonNull(table, "tables element");
            for (String candidate : candidates(table)) {
                List<TableSchema.Column> columns = columns(meta, where, candidate);
                if (!columns.isEmpty()) {
                    out.put(table, new TableSchema(table, columns, primaryKey(meta, where, candidate)));
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Where tables are looked up: MySQL's drivers usually call a database a catalog, PostgreSQL's
     * a schema.
     */
    record Where(String catalog, String schema) {
        static Where of(Connection c, String schema) throws SQLException {
            DatabaseMetaData meta = c.getMetaData();
            boolean databasesAreCatalogs = !meta.supportsSchemasInTableDefinitions()
                    && meta.supportsCatalogsInTableDefinitions();
            if (databasesAreCatalogs) {
                return new Where(schema != null ? schema : c.getCatalog(), null);
            }
            return new Where(c.getCatalog(), schema != null ? schema : c.getSchema());
        }

        /** The qualifier to put before a table name in SQL, or null for none. */
        String qualifier() {
            return schema != null ? schema : catalog;
        }
    }

    static List<String> candidates(String table) {
        List<String> out = new ArrayList<>(List.of(table));
        for (String c : List.of(table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT))) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<TableSchema.Column> columns(DatabaseMetaData meta, Where where, String table)
            throws SQLException {
        TreeMap<Integer, TableSchema.Column> ordered = new TreeMap<>();
        try (ResultSet rs = meta.getColumns(where.catalog(), escape(meta, where.schema()), escape(meta, table), null)) {
            while (rs.next()) {
                if (!table.equals(rs.getString("TABLE_NAME"))) {
                    continue; // a LIKE pattern match on another table
                }
                String name = rs.getString("COLUMN_NAME");
                boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                String def = rs.getString("COLUMN_DEF");
                boolean hasDefault = (def != null && !def.equalsIgnoreCase("NULL"))
                        || "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"))
                        || "YES".equalsIgnoreCase(generated(rs));
                ordered.put(rs.getInt("ORDINAL_POSITION"),
                        new TableSchema.Column(name, typeName(rs), nullable, hasDefault));
            }
        }
        return new ArrayList<>(ordered.values());
    }

    // PostgreSQL reports serials as "serial"/"bigserial" and MySQL booleans as "BIT"; keep what the
    // driver says, but give MySQL's tinyint(1) / bit(1) their boolean meaning via the size.
    private static String typeName(ResultSet rs) throws SQLException {
        String type = rs.getString("TYPE_NAME");
        int size = rs.getInt("COLUMN_SIZE");
        String lower = type.toLowerCase(Locale.ROOT);
        if ((lower.equals("tinyint") || lower.equals("bit")) && size == 1) {
            return lower + "(1)";
        }
        return type;
    }

    private static String generated(ResultSet rs) {
        try {
            return rs.getString("IS_GENERATEDCOLUMN");
        } catch (SQLException e) {
            return null; // an older driver without the JDBC 4.1 column
        }
    }

    private static List<String> primaryKey(DatabaseMetaData meta, Where where, String table) throws SQLException {
        TreeMap<Integer, String> ordered = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(where.catalog(), where.schema(), table)) {
            while (rs.next()) {
                ordered.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(ordered.values());
    }

    // getColumns takes LIKE patterns: an underscore in a name would match any character.
    private static String escape(DatabaseMetaData meta, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String esc = meta.getSearchStringEscape();
        if (esc == null || esc.isEmpty()) {
            return name;
        }
        return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }
}
