package io.cutover.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The columns of one table as the bulk copy needs them, read from {@code information_schema}:
 * name, type and character set of every stored column (generated columns are left out: the
 * server computes them), and the primary key. Immutable.
 *
 * @param table the table
 * @param columns the stored columns, in table order
 * @param keys the primary key columns, in key order
 */
record CopyColumns(String table, List<Column> columns, List<String> keys) {

    /**
     * One column.
     *
     * @param name its name
     * @param dataType {@code DATA_TYPE}, lower case ({@code bigint}, {@code bit}, {@code json})
     * @param columnType {@code COLUMN_TYPE}, lower case ({@code bigint(20) unsigned}, {@code bit(1)})
     * @param charset its character set, or null for a non-text column
     */
    record Column(String name, String dataType, String columnType, String charset) {
        boolean unsigned() {
            return columnType.contains("unsigned");
        }
    }

    CopyColumns {
        columns = List.copyOf(columns);
        keys = List.copyOf(keys);
    }

    /**
     * Reads a table's columns.
     *
     * @param c an open connection
     * @param database the schema
     * @param table the table
     * @return the columns; none if the table does not exist
     * @throws SQLException on a database error
     */
    static CopyColumns read(Connection c, String database, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME,"
                + " EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String extra = rs.getString(5) == null ? "" : rs.getString(5).toUpperCase(Locale.ROOT);
                    if (extra.contains("GENERATED") && !extra.contains("DEFAULT_GENERATED")) {
                        continue;
                    }
                    columns.add(new Column(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT),
                            rs.getString(3).toLowerCase(Locale.ROOT), rs.getString(4)));
                }
            }
        }
        // STATISTICS, not TABLE_CONSTRAINTS: MariaDB hides constraints from a user with only SELECT.
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return new CopyColumns(table, columns, keys);
    }

    /** Returns the column names, in order. */
    List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /**
     * Returns a column by name, ignoring case as the server does.
     *
     * @param name the name
     * @return the column, or null
     */
    Column column(String name) {
        for (Column col : columns) {
            if (col.name().equalsIgnoreCase(name)) {
                return col;
            }
        }
        return null;
    }

    /**
     * Tells whether the target's table has the same stored columns, types and character sets, so
     * that the source's bytes can be loaded into it unchanged.
     *
     * @param target the target's table
     * @return true if byte-for-byte compatible
     */
    boolean sameShapeAs(CopyColumns target) {
        return columns.equals(target.columns) && keys.equals(target.keys);
    }
}
