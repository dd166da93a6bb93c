package io.cutover.internal.capture;

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
 */
public record Change(String table, Kind kind, Map<String, Object> key, Map<String, Object> values,
        long sourceMillis) {

    /** What a change does to its row. */
    public enum Kind {
        /** The row exists with these values (insert, update, snapshot read). */
        UPSERT,
        /** The row no longer exists. */
        DELETE
    }

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if table, kind, key or values is null
     */
    public Change {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(kind, "kind");
        key = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(key, "key")));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
    }
}
