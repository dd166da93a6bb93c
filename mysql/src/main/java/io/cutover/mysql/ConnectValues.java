package io.cutover.mysql;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.kafka.connect.data.Schema;

/**
 * Turns a value as the MySQL-family Debezium connectors emit it (with {@link CaptureProperties}'
 * settings) into a value Connector/J binds back into the same column type without loss.
 *
 * <p>The mapping, by the field's semantic type:
 * <ul>
 *   <li>{@code io.debezium.time.Date} (days since epoch) → {@link LocalDate}</li>
 *   <li>{@code io.debezium.time.MicroTime} (microseconds, may be negative or past 24 h, as
 *       MySQL's TIME allows) → text {@code [-]H:MM:SS.ffffff}</li>
 *   <li>{@code io.debezium.time.MicroTimestamp} (DATETIME, no zone) → {@link LocalDateTime}</li>
 *   <li>{@code io.debezium.time.ZonedTimestamp} (TIMESTAMP, ISO text in UTC) →
 *       {@link LocalDateTime} in UTC: the applying session runs with {@code time_zone='+00:00'}</li>
 *   <li>{@code io.debezium.data.Bits} (BIT(n), little-endian bytes) → {@link Long}</li>
 *   <li>{@code io.debezium.time.Year}, enums, sets, JSON, numbers, {@link BigDecimal}
 *       (DECIMAL and BIGINT UNSIGNED in precise mode), text → unchanged</li>
 *   <li>bytes ({@link ByteBuffer} or {@code byte[]}) → {@code byte[]}</li>
 * </ul>
 * Stateless; thread-safe.
 */
final class ConnectValues {
    /** The session time zone the applier must use for TIMESTAMP values to round-trip. */
    static final String APPLY_TIME_ZONE = "+00:00";

    private ConnectValues() {
    }

    /**
     * Converts one value.
     *
     * @param schema the field's Connect schema
     * @param value the value, may be null
     * @return the value to bind, null for null
     */
    static Object toJdbc(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (value instanceof String text && "io.cutover.mysql.Time".equals(name)) {
            return text;
        }
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date":
                    return LocalDate.ofEpochDay(((Number) value).longValue());
                case "io.debezium.time.MicroTime":
                    return microTime(((Number) value).longValue());
                case "io.debezium.time.Time":
                    return microTime(((Number) value).longValue() * 1000L);
                case "io.debezium.time.MicroTimestamp":
                    return microTimestamp(((Number) value).longValue());
                case "io.debezium.time.Timestamp":
                    return microTimestamp(((Number) value).longValue() * 1000L);
                case "io.debezium.time.ZonedTimestamp":
                    return LocalDateTime.ofInstant(
                            DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse((String) value, Instant::from), ZoneOffset.UTC);
                case "io.debezium.data.Bits":
                    return bits(bytes(value));
                default:
                    break;
            }
        }
        if (value instanceof ByteBuffer || value instanceof byte[]) {
            return bytes(value);
        }
        return value;
    }

    /** Formats microseconds as a MySQL TIME literal, sign and hours past 24 included. */
    static String microTime(long micros) {
        String sign = micros < 0 ? "-" : "";
        long abs = Math.abs(micros);
        long seconds = abs / 1_000_000L;
        return String.format("%s%d:%02d:%02d.%06d", sign, seconds / 3600, (seconds / 60) % 60, seconds % 60,
                abs % 1_000_000L);
    }

    private static LocalDateTime microTimestamp(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }

    private static long bits(byte[] littleEndian) {
        long v = 0;
        for (int i = littleEndian.length - 1; i >= 0; i--) {
            v = (v << 8) | (littleEndian[i] & 0xFF);
        }
        return v;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }
}
