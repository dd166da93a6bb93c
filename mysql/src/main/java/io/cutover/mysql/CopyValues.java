package io.cutover.mysql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads a column of the copy's snapshot as the Java value a {@link io.cutover.RowTransform} would
 * get for it from the change stream, so that one transform serves the copy and the stream alike:
 * TINYINT/SMALLINT as {@code Short}, INT UNSIGNED as {@code Long}, BIGINT UNSIGNED and DECIMAL as
 * {@code BigDecimal}, TIMESTAMP as a UTC {@code OffsetDateTime}, DATETIME as
 * {@code LocalDateTime}, TIME as text (it may be ±838 h), BIT(1) as {@code Boolean} and wider BIT
 * as little-endian bytes, binary strings as {@code byte[]}, text as {@code String}. The session
 * must have {@code time_zone = '+00:00'}. Stateless.
 */
final class CopyValues {
    private CopyValues() {
    }

    /**
     * Reads one value.
     *
     * @param rs the result set, on a row
     * @param index the 1-based column index
     * @param column the column
     * @return the value, or null
     * @throws SQLException on a driver error
     */
    static Object read(ResultSet rs, int index, CopyColumns.Column column) throws SQLException {
        Object v = switch (column.dataType()) {
            case "tinyint", "smallint" -> column.unsigned() && column.dataType().equals("smallint")
                    ? intOrNull(rs, index) : shortOrNull(rs, index);
            case "mediumint" -> intOrNull(rs, index);
            case "int", "integer" -> column.unsigned() ? longOrNull(rs, index) : intOrNull(rs, index);
            case "bigint" -> column.unsigned() ? rs.getBigDecimal(index) : longOrNull(rs, index);
            case "decimal", "numeric" -> rs.getBigDecimal(index);
            case "year" -> intOrNull(rs, index);
            case "time" -> rs.getString(index);
            case "date" -> rs.getObject(index, LocalDate.class);
            case "datetime" -> rs.getObject(index, LocalDateTime.class);
            case "timestamp" -> {
                LocalDateTime t = rs.getObject(index, LocalDateTime.class);
                yield t == null ? null : t.atOffset(ZoneOffset.UTC);
            }
            case "bit" -> bit(rs.getBytes(index), column.columnType());
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> rs.getBytes(index);
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "json", "enum", "set" -> rs.getString(index);
            default -> rs.getObject(index);
        };
        return v instanceof BigInteger b ? new BigDecimal(b) : v;
    }

    private static Object shortOrNull(ResultSet rs, int index) throws SQLException {
        short v = rs.getShort(index);
        return rs.wasNull() ? null : v;
    }

    private static Object intOrNull(ResultSet rs, int index) throws SQLException {
        int v = rs.getInt(index);
        return rs.wasNull() ? null : v;
    }

    private static Object longOrNull(ResultSet rs, int index) throws SQLException {
        long v = rs.getLong(index);
        return rs.wasNull() ? null : v;
    }

    // The server sends BIT big-endian; the change stream hands it over little-endian (BIT(1) as a boolean).
    private static Object bit(byte[] bigEndian, String columnType) {
        if (bigEndian == null) {
            return null;
        }
        if (columnType.equals("bit(1)")) {
            return bigEndian.length > 0 && bigEndian[bigEndian.length - 1] != 0;
        }
        byte[] little = new byte[bigEndian.length];
        for (int i = 0; i < bigEndian.length; i++) {
            little[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return little;
    }
}
