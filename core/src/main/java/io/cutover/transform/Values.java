package io.cutover.transform;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Value equality and display for row values. Stateless. */
final class Values {
    private static final int MAX_SHOWN = 64;

    private Values() {
    }

    /**
     * Equality as a database sees it: byte arrays by content, numbers by numeric value (so
     * {@code 5 == 5L} and {@code 1.0 == 1.00} as BigDecimal), everything else by equals.
     */
    static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof Object[] x && b instanceof Object[] y) {
            return Arrays.deepEquals(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            BigDecimal dx = decimal(x);
            BigDecimal dy = decimal(y);
            if (dx != null && dy != null) {
                return dx.compareTo(dy) == 0;
            }
        }
        return Objects.equals(a, b);
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        try {
            return new BigDecimal(n.toString());
        } catch (NumberFormatException e) {
            return null; // NaN, Infinity, or an exotic Number
        }
    }

    /** A short, quoted rendering of a value for messages; long values are cut. */
    static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof byte[] b) {
            return "byte[" + b.length + "]";
        }
        String s = String.valueOf(value);
        if (s.length() > MAX_SHOWN) {
            s = s.substring(0, MAX_SHOWN) + "...(" + s.length() + " chars)";
        }
        return value instanceof CharSequence ? "'" + s + "'" : s;
    }

    /**
     * Returns the columns with one column replaced, in its place, by the given ones (a rename,
     * split or merge); a replacement column already present elsewhere moves to that place.
     */
    static <V> LinkedHashMap<String, V> replaced(Map<String, V> columns, String column, Map<String, V> with) {
        LinkedHashMap<String, V> next = new LinkedHashMap<>();
        for (Map.Entry<String, V> e : columns.entrySet()) {
            if (e.getKey().equals(column)) {
                next.putAll(with);
            } else if (!with.containsKey(e.getKey())) {
                next.put(e.getKey(), e.getValue());
            }
        }
        return next;
    }
}
