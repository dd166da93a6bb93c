package io.cutover.transform;

import io.cutover.Row;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads up to n rows of a table with plain JDBC and converts each value to the plain Java value a
 * change stream delivers for it ({@code java.time} types, {@code byte[]}, {@code String} for JSON
 * and other driver objects), close enough for the round-trip check's comparison. Stateless.
 */
final class JdbcSamples {
    private JdbcSamples() {
    }

    static List<Row> read(Connection c, JdbcSchemas.Where where, TableSchema table, int limit) throws SQLException {
        String quote = c.getMetaData().getIdentifierQuoteString();
        quote = quote == null || quote.isBlank() ? "" : quote.trim();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < table.columns().size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(quoted(quote, table.columns().get(i).name()));
        }
        sql.append(" FROM ");
        if (where.qualifier() != null) {
            sql.append(quoted(quote, where.qualifier())).append('.');
        }
        sql.append(quoted(quote, actualName(c, where, table.name()))).append(" LIMIT ").append(limit);
        List<Row> rows = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.setMaxRows(limit);
            try (ResultSet rs = st.executeQuery(sql.toString())) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        values.put(table.columns().get(i - 1).name(), value(rs, i, md.getColumnType(i), md.getColumnTypeName(i)));
                    }
                    rows.add(new Row(table.name(), values));
                }
            }
        }
        return rows;
    }

    // The schema was read under the name asked for; the server may have folded its case.
    private static String actualName(Connection c, JdbcSchemas.Where where, String table) throws SQLException {
        for (String candidate : JdbcSchemas.candidates(table)) {
            try (ResultSet rs = c.getMetaData().getTables(where.catalog(), where.schema(), candidate, null)) {
                while (rs.next()) {
                    if (candidate.equals(rs.getString("TABLE_NAME"))) {
                        return candidate;
                    }
                }
            }
        }
        return table;
    }

    private static String quoted(String quote, String name) {
        return quote.isEmpty() ? name : quote + name.replace(quote, quote + quote) + quote;
    }

    static Object value(ResultSet rs, int i, int sqlType, String typeName) throws SQLException {
        String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        Object value;
        switch (sqlType) {
            case Types.DATE -> value = rs.getObject(i, LocalDate.class);
            case Types.TIME -> value = rs.getObject(i, LocalTime.class);
            case Types.TIMESTAMP -> value = type.contains("tz") || type.contains("with time zone")
                    ? utc(rs.getObject(i, OffsetDateTime.class)) : rs.getObject(i, LocalDateTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> value = utc(rs.getObject(i, OffsetDateTime.class));
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> value = rs.getBytes(i);
            case Types.CLOB, Types.NCLOB -> value = rs.getString(i);
            default -> value = rs.getObject(i);
        }
        return plain(value);
    }

    private static Object plain(Object value) throws SQLException {
        if (value == null || value instanceof Number || value instanceof String || value instanceof Boolean
                || value instanceof byte[] || value instanceof Temporal || value instanceof UUID) {
            return value;
        }
        if (value instanceof Array a) {
            Object[] elements = (Object[]) a.getArray();
            Object[] out = new Object[elements.length];
            for (int i = 0; i < elements.length; i++) {
                out[i] = plain(elements[i]);
            }
            return out;
        }
        if (value instanceof Blob b) {
            return b.getBytes(1, (int) b.length());
        }
        if (value instanceof Clob c) {
            return c.getSubString(1, (int) c.length());
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        return value.toString(); // JSON, intervals, geometry and other driver objects
    }

    private static OffsetDateTime utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
