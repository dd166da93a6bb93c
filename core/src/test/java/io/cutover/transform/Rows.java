package io.cutover.transform;

import io.cutover.Row;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds rows for tests: {@code row("users", "id", 1L, "name", "Ada")}, in column order. */
final class Rows {
    private Rows() {
    }

    static Row row(String table, Object... columnsAndValues) {
        if (columnsAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("columns and values must pair up");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            values.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return new Row(table, values);
    }
}
