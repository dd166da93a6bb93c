package io.cutover.capture;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One captured row change in a dialect-neutral form: the source table, whether the row now
 * exists (upsert) or not (delete), its key, and for an upsert the column values that are known.
 * A column whose value the source did not send (an unchanged TOASTed value in PostgreSQL) is
 * absent from {@code values} and must be left as it is on the target.
 *
 * @param table the source table's unqualified name
 * @param kind upsert or delete
 * @param key primary key column to value, in key order
 * @param values for an upsert, column to value in table order (key columns included); empty for a delete
 * @param sourceMillis when the source committed the change (epoch millis), or 0 if unknown
 * @param refetch columns the source did not send although the row is new on the target (an
 *     UPDATE that changed the primary key of a row with an unchanged TOASTed value): the applier
 *     reads them from the source by key; empty otherwise
 */
record Change(String table, Kind kind, Map<String, Object> key, Map<String, Object> values,
        long sourceMillis, java.util.List<String> refetch) {

    /** What a change does to its row. */
    public enum Kind {
        /** The row exists with these values (insert, update, snapshot read). */
        UPSERT,
        /** The row no longer exists. */
        DELETE
    }

    // The class of Collections.unmodifiableMap's view: a map of that class is taken as given.
    private static final Class<?> HANDED_OVER = Collections.unmodifiableMap(new LinkedHashMap<>()).getClass();

    /**
     * Validates and copies. A map already wrapped by {@link #handOver} (the decoder builds one per
     * record and keeps no reference) is taken as it is: copying it again cost the apply thread two
     * map copies per change.
     *
     * @throws NullPointerException if table, kind, key or values is null
     */
    public Change {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(kind, "kind");
        key = frozen(Objects.requireNonNull(key, "key"));
        values = frozen(Objects.requireNonNull(values, "values"));
        refetch = java.util.List.copyOf(Objects.requireNonNull(refetch, "refetch"));
    }

    /**
     * Creates a change with nothing to re-read.
     *
     * @param table the source table's unqualified name
     * @param kind upsert or delete
     * @param key primary key column to value
     * @param values column to value
     * @param sourceMillis source commit time, or 0
     */
    public Change(String table, Kind kind, Map<String, Object> key, Map<String, Object> values, long sourceMillis) {
        this(table, kind, key, values, sourceMillis, java.util.List.of());
    }

    /**
     * Wraps a map its caller built for one change and will neither keep nor modify, so that the
     * change takes it without a copy.
     *
     * @param map a map no one else holds
     * @return an unmodifiable view of it
     */
    static Map<String, Object> handOver(Map<String, Object> map) {
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, Object> frozen(Map<String, Object> map) {
        if (map.getClass() == HANDED_OVER) {
            return map;
        }
        return map.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
