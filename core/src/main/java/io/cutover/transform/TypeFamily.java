package io.cutover.transform;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * A coarse family of column types, enough to tell that a mapping would write text into an integer
 * column, not enough to tell {@code int} from {@code bigint}. Schema checks compare families,
 * never exact types, so they flag only mistakes that are certain.
 *
 * <p>Thread safety: an enum, immutable.
 */
public enum TypeFamily {
    /** Integers, decimals and floating point numbers. */
    NUMERIC,
    /** Character strings, including enums and UUIDs. */
    TEXT,
    /** Dates, times and timestamps. */
    TEMPORAL,
    /** Byte strings. */
    BINARY,
    /** Booleans, including MySQL's {@code tinyint(1)} and {@code bit(1)}. */
    BOOLEAN,
    /** JSON documents. */
    JSON,
    /** Anything else, or not known: compatible with every family. */
    OTHER;

    private static final Set<String> NUMERIC_NAMES = Set.of(
            "smallint", "integer", "int", "int2", "int4", "int8", "bigint", "tinyint", "mediumint",
            "decimal", "numeric", "real", "float", "float4", "float8", "double", "double precision",
            "serial", "serial4", "serial8", "bigserial", "smallserial", "money", "dec", "fixed");
    private static final Set<String> TEXT_NAMES = Set.of(
            "char", "character", "varchar", "character varying", "nchar", "nvarchar", "text",
            "tinytext", "mediumtext", "longtext", "bpchar", "name", "citext", "enum", "set", "uuid");
    private static final Set<String> TEMPORAL_NAMES = Set.of(
            "date", "time", "timetz", "timestamp", "timestamptz", "datetime", "year",
            "timestamp without time zone", "timestamp with time zone", "time without time zone",
            "time with time zone");
    private static final Set<String> BINARY_NAMES = Set.of(
            "bytea", "binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob");
    private static final Set<String> BOOLEAN_NAMES = Set.of("boolean", "bool", "tinyint(1)", "bit(1)");
    private static final Set<String> JSON_NAMES = Set.of("json", "jsonb");

    /**
     * Classifies a SQL type name as information_schema reports it ({@code data_type},
     * {@code udt_name} or MySQL's {@code column_type}); case, length and precision are ignored,
     * except that {@code tinyint(1)} and {@code bit(1)} are booleans.
     *
     * @param typeName the type's name, for example {@code "character varying"} or {@code "int(11) unsigned"}
     * @return its family, {@link #OTHER} when not recognised
     * @throws NullPointerException if typeName is null
     */
    public static TypeFamily ofSqlType(String typeName) {
        String t = typeName.trim().toLowerCase(Locale.ROOT);
        if (BOOLEAN_NAMES.contains(t.replace(" ", ""))) {
            return BOOLEAN;
        }
        if (t.endsWith("[]") || t.startsWith("_")) {
            return OTHER; // PostgreSQL arrays
        }
        t = t.replaceAll("\\(.*?\\)", "").replace(" unsigned", "").replace(" zerofill", "").trim();
        if (NUMERIC_NAMES.contains(t)) {
            return NUMERIC;
        }
        if (TEXT_NAMES.contains(t)) {
            return TEXT;
        }
        if (TEMPORAL_NAMES.contains(t)) {
            return TEMPORAL;
        }
        if (BINARY_NAMES.contains(t)) {
            return BINARY;
        }
        if (BOOLEAN_NAMES.contains(t)) {
            return BOOLEAN;
        }
        if (JSON_NAMES.contains(t)) {
            return JSON;
        }
        return OTHER;
    }

    /**
     * Classifies a Java value of the kind a {@link io.cutover.Row} holds.
     *
     * @param value the value; may be null
     * @return its family, {@link #OTHER} for null or an unknown class
     */
    public static TypeFamily ofValue(Object value) {
        if (value instanceof Boolean) {
            return BOOLEAN;
        }
        if (value instanceof Number) {
            return NUMERIC;
        }
        if (value instanceof CharSequence || value instanceof Character || value instanceof UUID) {
            return TEXT;
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return BINARY;
        }
        if (value instanceof java.time.temporal.Temporal || value instanceof java.util.Date) {
            return TEMPORAL;
        }
        return OTHER;
    }

    /**
     * Tells whether a value of this family can be written to a column of the other family
     * without a conversion. {@link #OTHER} is compatible with everything; text and JSON are
     * compatible, and so are booleans and numbers (MySQL stores booleans as {@code tinyint}).
     *
     * @param target the family of the column written to
     * @return false only when the mismatch is certain
     * @throws NullPointerException if target is null
     */
    public boolean compatibleWith(TypeFamily target) {
        if (this == target || this == OTHER || target == OTHER) {
            return true;
        }
        return pair(this, target, TEXT, JSON) || pair(this, target, BOOLEAN, NUMERIC);
    }

    private static boolean pair(TypeFamily a, TypeFamily b, TypeFamily x, TypeFamily y) {
        return (a == x && b == y) || (a == y && b == x);
    }

    /**
     * Returns the family's name as messages show it.
     *
     * @return for example {@code "text"}
     */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
