package io.cutover.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts row values in one comparable form, the way a database holding them would compare them:
 * numbers by value whatever their Java type and scale ({@code 5 == 5L == 5.00}), booleans as
 * 1/0 (MariaDB's BOOLEAN is a TINYINT), bytes by content, instants with an offset by the instant,
 * UUIDs and characters as text, arrays as lists. Two values are the same when their canonical
 * forms are equal, or when one is text that reads as the other (a transform that writes text to
 * a numeric column). Stateless.
 */
final class Canon {
    private Canon() {
    }

    /** Returns the canonical form of a value; null stays null. */
    static Object of(Object v) {
        if (v == null || v instanceof String) {
            return v;
        }
        if (v instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v instanceof Float f) {
            return Float.isFinite(f) ? new BigDecimal(Float.toString(f)).stripTrailingZeros() : f.toString();
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)).stripTrailingZeros() : d.toString();
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof byte[] b) {
            return ByteBuffer.wrap(b);
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (v instanceof ZonedDateTime t) {
            return t.toInstant();
        }
        if (v instanceof OffsetTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (v instanceof java.util.UUID || v instanceof Character) {
            return v.toString();
        }
        if (v instanceof Object[] a) {
            return of(java.util.Arrays.asList(a));
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(e -> out.add(of(e)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, e) -> out.put(k, of(e)));
            return out;
        }
        if (v instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).stripTrailingZeros();
            } catch (NumberFormatException e) {
                return n.toString();
            }
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof java.time.temporal.Temporal) {
            return v;
        }
        return v.toString();
    }

    /** Whether two canonical values are the same. */
    static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.equals(b)) {
            return true;
        }
        if (a instanceof String s) {
            return readsAs(s, b);
        }
        if (b instanceof String s) {
            return readsAs(s, a);
        }
        return false;
    }

    private static boolean readsAs(String text, Object other) {
        if (other instanceof BigDecimal d) {
            try {
                return new BigDecimal(text.trim()).compareTo(d) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return !(other instanceof ByteBuffer) && text.equals(other.toString());
    }
}
