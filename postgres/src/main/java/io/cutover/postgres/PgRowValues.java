package io.cutover.postgres;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.util.PGobject;

/**
 * Reads a column of a JDBC row as the value a {@link io.cutover.RowTransform} sees for it when
 * the change comes through the stream: {@code java.time} types, {@code Short} for smallint,
 * strings for json, interval and enum values, lists for arrays. The copy's transformed rows thus
 * meet the same types as streamed ones. Stateless.
 */
final class PgRowValues {

    private PgRowValues() {
    }

    static Object read(ResultSet rs, int column, String typeName) throws SQLException {
        switch (typeName) {
            case "date":
                return rs.getObject(column, LocalDate.class);
            case "time":
                return rs.getObject(column, LocalTime.class);
            case "timestamp":
                return rs.getObject(column, LocalDateTime.class);
            case "timestamptz":
                return rs.getObject(column, OffsetDateTime.class);
            case "int2": {
                short s = rs.getShort(column);
                return rs.wasNull() ? null : s;
            }
            case "json":
            case "jsonb":
            case "interval":
            case "timetz":
            case "money":
            case "xml":
                return rs.getString(column);
            default:
                return plain(rs.getObject(column));
        }
    }

    private static Object plain(Object v) throws SQLException {
        if (v instanceof Array a) {
            Object[] elements = (Object[]) a.getArray();
            List<Object> out = new ArrayList<>(elements.length);
            for (Object e : elements) {
                out.add(plain(e));
            }
            return out;
        }
        if (v instanceof PGobject o) {
            return o.getValue();
        }
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        return v;
    }
}
