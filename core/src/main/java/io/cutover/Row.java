package io.cutover;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row image of one table, as a {@link RowTransform} sees it: column name to value, in the
 * table's column order. Values are plain Java types ({@code Long}, {@code BigDecimal},
 * {@code String}, {@code byte[]}, {@code java.time} types, ...).
 *
 * @param table the table's name (unqualified unless the stream says otherwise)
 * @param values column name to value; copied and unmodifiable, null values allowed
 */
public record Row(String table, Map<String, Object> values) {
    /**
     * Validates and copies.
     *
     * @param table see the record component
     * @param values see the record component
     * @throws NullPointerException if table or values is null
     */
    public Row {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(values, "values");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Returns a column's value.
     *
     * @param column the column name
     * @return its value, or null when null or absent
     */
    public Object get(String column) {
        return values.get(column);
    }
}
