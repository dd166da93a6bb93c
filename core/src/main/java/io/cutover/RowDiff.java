package io.cutover;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row that differs between a link's source (passed through the table's transform) and its
 * target, and kept differing across a re-check after a fence, so it is not a change in flight.
 *
 * @param kind how the row differs
 * @param key the row's primary key, source column name to value, in key order
 * @param columns for {@link Kind#DIFFERING}, the target columns whose values differ; empty otherwise
 */
public record RowDiff(Kind kind, Map<String, Object> key, List<String> columns) {

    /** How a row differs. */
    public enum Kind {
        /** The source has the row; the target has no row with its key. */
        MISSING_ON_TARGET,
        /** The target has a row whose key the source does not have. */
        EXTRA_ON_TARGET,
        /** Both have the row; some column values differ. */
        DIFFERING
    }

    /**
     * Validates and copies.
     *
     * @param kind see the record component
     * @param key see the record component
     * @param columns see the record component
     * @throws NullPointerException if an argument is null
     */
    public RowDiff {
        Objects.requireNonNull(kind, "kind");
        key = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(key, "key")));
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    }

    @Override
    public String toString() {
        return kind + " " + key + (columns.isEmpty() ? "" : " " + columns);
    }
}
