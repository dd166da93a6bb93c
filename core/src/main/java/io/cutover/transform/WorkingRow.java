package io.cutover.transform;

import io.cutover.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The row a chain of steps is mapping: a table name and an ordered, mutable column map, plus what
 * failure messages need (the source table, the original key, the current step). One per
 * {@code apply}; never shared between threads.
 */
final class WorkingRow {
    private final String sourceTable;
    private final Map<String, Object> key;
    private final boolean keyOnly;
    private String table;
    private LinkedHashMap<String, Object> values;
    private String step = "";

    WorkingRow(String sourceTable, Row row, Map<String, Object> key, boolean keyOnly) {
        this.sourceTable = sourceTable;
        this.table = row.table();
        this.values = new LinkedHashMap<>(row.values());
        this.key = key;
        this.keyOnly = keyOnly;
    }

    boolean keyOnly() {
        return keyOnly;
    }

    String table() {
        return table;
    }

    void table(String table) {
        this.table = table;
    }

    void step(String step) {
        this.step = step;
    }

    boolean has(String column) {
        return values.containsKey(column);
    }

    Object get(String column) {
        return values.get(column);
    }

    void put(String column, Object value) {
        values.put(column, value);
    }

    Object remove(String column) {
        return values.remove(column);
    }

    /** Replaces one column, in place, by the given columns and values (rename, split, merge). */
    void replace(String column, Map<String, Object> with) {
        values = Values.replaced(values, column, with);
    }

    /** Replaces the whole row, with the result of a user function. */
    void reset(Row row) {
        this.table = row.table();
        this.values = new LinkedHashMap<>(row.values());
    }

    Row toRow() {
        return new Row(table, values);
    }

    List<String> columns() {
        return new ArrayList<>(values.keySet());
    }

    /** Fails when a full row lacks a column a step needs; a key-only row just skips the step. */
    boolean require(String column) {
        if (values.containsKey(column)) {
            return true;
        }
        if (keyOnly) {
            return false;
        }
        throw fail(column, null, "the row has no column '" + column + "' (it has " + values.keySet() + ")",
                "check the column name against the source table, or the order of the steps", null);
    }

    /** Fails when a step would overwrite a column the row already has. */
    void requireAbsent(String column) {
        if (values.containsKey(column)) {
            throw fail(column, values.get(column), "the row already has a column '" + column + "'",
                    "the source already has it: remove this step, or rename the existing column first", null);
        }
    }

    RowTransformException fail(String column, Object value, String what, String fix, Throwable cause) {
        StringBuilder sb = new StringBuilder("mapping of table '").append(sourceTable).append("', step ").append(step)
                .append(": ").append(what);
        if (cause != null) {
            sb.append(" (").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                sb.append(": ").append(cause.getMessage());
            }
            sb.append(')');
        }
        sb.append("; row key ").append(key.isEmpty() ? "unknown (declare the key on the mapping)" : key.toString());
        if (keyOnly) {
            sb.append(" (key-only image of a delete)");
        }
        sb.append("; ").append(fix);
        return new RowTransformException(sourceTable, column, value, key, sb.toString(), cause);
    }
}
