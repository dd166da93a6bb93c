package io.cutover.capture;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Kafka Connect values, including Debezium's semantic types, to the plain Java values
 * the applier binds: {@code java.time} types, {@code BigDecimal}, {@code byte[]}, {@code UUID},
 * strings for json/enum/interval, lists for arrays. Stateless.
 */
final class ConnectValues {

    /** Debezium's default placeholder for a value the source did not send (unchanged TOAST). */
    static final String UNAVAILABLE = "__debezium_unavailable_value";

    /** Marks a column whose value is unknown and must not be written. */
    static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "<absent>";
        }
    };

    private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private ConnectValues() {
    }

    /**
     * Converts every field of a row struct.
     *
     * @param row the struct
     * @return field name to value, in schema order; a value the source did not send is {@link #ABSENT}
     */
    static Map<String, Object> row(Struct row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : row.schema().fields()) {
            out.put(f.name(), convert(f.schema(), row.get(f)));
        }
        return out;
    }

    /**
     * Converts one value by its schema.
     *
     * @param schema the value's schema
     * @param value the Connect value, possibly null
     * @return the plain Java value, {@link #ABSENT} for the unavailable placeholder
     */
    static Object convert(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (isUnavailable(value)) {
            return ABSENT;
        }
        String name = schema.name();
        if (name != null) {
            Object semantic = semantic(name, schema, value);
            if (semantic != null) {
                return semantic;
            }
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object element : list) {
                Object converted = convert(schema.valueSchema(), element);
                out.add(converted == ABSENT ? null : converted);
            }
            return out;
        }
        if (value instanceof Struct struct) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field f : struct.schema().fields()) {
                out.put(f.name(), convert(f.schema(), struct.get(f)));
            }
            return out;
        }
        return value;
    }

    private static boolean isUnavailable(Object value) {
        if (value instanceof String s) {
            return UNAVAILABLE.equals(s);
        }
        if (value instanceof byte[] b) {
            return Arrays.equals(b, UNAVAILABLE_BYTES);
        }
        if (value instanceof ByteBuffer b) {
            return b.remaining() == UNAVAILABLE_BYTES.length && b.duplicate().equals(ByteBuffer.wrap(UNAVAILABLE_BYTES));
        }
        if (value instanceof List<?> l) {
            return l.size() == 1 && isUnavailable(l.get(0));
        }
        return false;
    }

    // Returns null when the name is not one we convert specially.
    private static Object semantic(String name, Schema schema, Object value) {
        switch (name) {
            case "io.debezium.time.Date":
                return LocalDate.ofEpochDay(((Number) value).longValue());
            case "org.apache.kafka.connect.data.Date":
                return ((java.util.Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
            case "io.debezium.time.Time":
                return LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L);
            case "io.debezium.time.MicroTime":
                return LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000L);
            case "io.debezium.time.NanoTime":
                return LocalTime.ofNanoOfDay(((Number) value).longValue());
            case "org.apache.kafka.connect.data.Time":
                return ((java.util.Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalTime();
            case "io.debezium.time.Timestamp":
                return fromEpoch(((Number) value).longValue(), ChronoUnit.MILLIS);
            case "io.debezium.time.MicroTimestamp":
                return fromEpoch(((Number) value).longValue(), ChronoUnit.MICROS);
            case "io.debezium.time.NanoTimestamp":
                return fromEpoch(((Number) value).longValue(), ChronoUnit.NANOS);
            case "org.apache.kafka.connect.data.Timestamp":
                return LocalDateTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
            case "io.debezium.time.ZonedTimestamp":
                return IsoOffsetTimestamps.parse((String) value);
            case "io.debezium.time.ZonedTime":
                return OffsetTime.parse((String) value);
            case "io.debezium.time.MicroDuration":
                return Duration.of(((Number) value).longValue(), ChronoUnit.MICROS).toString();
            case "io.debezium.time.NanoDuration":
                return Duration.ofNanos(((Number) value).longValue()).toString();
            case "io.debezium.data.Uuid":
                return UUID.fromString((String) value);
            case "io.debezium.data.VariableScaleDecimal": {
                Struct s = (Struct) value;
                Object unscaled = s.get("value");
                byte[] bytes = unscaled instanceof ByteBuffer b ? toBytes(b) : (byte[]) unscaled;
                return new BigDecimal(new BigInteger(bytes), s.getInt32("scale"));
            }
            default:
                return null;
        }
    }

    private static LocalDateTime fromEpoch(long amount, ChronoUnit unit) {
        long perSecond = unit == ChronoUnit.MILLIS ? 1_000L : unit == ChronoUnit.MICROS ? 1_000_000L : 1_000_000_000L;
        long seconds = Math.floorDiv(amount, perSecond);
        long fraction = Math.floorMod(amount, perSecond);
        long nanos = fraction * (1_000_000_000L / perSecond);
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), ZoneOffset.UTC);
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
