package io.cutover.internal;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Reads a column with plain JDBC as the value a change stream delivers for it: {@code java.time}
 * types, {@code byte[]} for binary, text for CLOBs and driver objects (JSON, intervals), lists
 * for arrays. The default {@link io.cutover.spi.ColumnValues}. Stateless.
 */
public final class JdbcColumnValues {
    private JdbcColumnValues() {
    }

    /**
     * Reads one value.
     *
     * @param rs the result, on a row
     * @param i the 1-based column
     * @param typeName the driver's type name
     * @return the value or null
     * @throws SQLException on a driver error
     */
    public static Object read(ResultSet rs, int i, String typeName) throws SQLException {
        String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        int sqlType = rs.getMetaData().getColumnType(i);
        Object value = switch (sqlType) {
            case Types.DATE -> rs.getObject(i, LocalDate.class);
            case Types.TIME -> rs.getObject(i, LocalTime.class);
            case Types.TIMESTAMP -> type.contains("tz") || type.contains("with time zone")
                    ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i, LocalDateTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(i, OffsetDateTime.class);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> rs.getBytes(i);
            case Types.CLOB, Types.NCLOB -> rs.getString(i);
            default -> rs.getObject(i);
        };
        return plain(value);
    }

    private static Object plain(Object value) throws SQLException {
        if (value == null || value instanceof Number || value instanceof String || value instanceof Boolean
                || value instanceof byte[] || value instanceof Temporal || value instanceof UUID) {
            return value;
        }
        if (value instanceof Array a) {
            Object[] elements = (Object[]) a.getArray();
            List<Object> out = new ArrayList<>(elements.length);
            for (Object e : elements) {
                out.add(plain(e));
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
        return value.toString();
    }
}
