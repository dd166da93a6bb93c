package io.cutover.transform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A row's columns without values, walked through the steps to find what a mapping writes: which
 * columns, of which family, which are key columns. Used for the schema check (all source columns)
 * and to map key columns (only the key, as a delete carries). One per check; not thread-safe.
 */
final class Shape {

    /** What is known of one column at some step. */
    record Col(TypeFamily family, Boolean nullable, String origin, boolean key) {
        Col withFamily(TypeFamily f) {
            return new Col(f, nullable, origin, key);
        }
    }

    private final boolean keyOnly;
    private final String sourceTable;
    private final List<String> problems = new ArrayList<>();
    private String table;
    private LinkedHashMap<String, Col> cols = new LinkedHashMap<>();
    private String step = "";
    private boolean opaque;

    Shape(String table, Map<String, Col> cols, boolean keyOnly) {
        this.table = table;
        this.sourceTable = table;
        this.cols.putAll(cols);
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

    /** After a custom step nothing is certain about the columns: stop reporting what is missing. */
    void opaque() {
        opaque = true;
    }

    boolean isOpaque() {
        return opaque;
    }

    boolean has(String c) {
        return cols.containsKey(c);
    }

    Col get(String c) {
        return cols.get(c);
    }

    void put(String c, Col col) {
        cols.put(c, col);
    }

    Col remove(String c) {
        return cols.remove(c);
    }

    void replace(String column, Map<String, Col> with) {
        cols = Values.replaced(cols, column, with);
    }

    Map<String, Col> columns() {
        return cols;
    }

    /** Like {@link WorkingRow#require}: a missing column is a problem, except in a key-only walk. */
    boolean require(String column) {
        if (cols.containsKey(column)) {
            return true;
        }
        if (!keyOnly && !opaque) {
            problem("column '" + column + "' does not exist at this step (columns: " + cols.keySet()
                    + "); fix the column name or the order of the steps");
        }
        return false;
    }

    void requireAbsent(String column) {
        if (cols.containsKey(column)) {
            problem("column '" + column + "' already exists at this step (" + cols.get(column).origin()
                    + "); rename or drop the existing column first, or remove this step");
        }
    }

    void problem(String what) {
        problems.add("mapping of table '" + sourceTable + "', step " + step + ": " + what);
    }

    List<String> problems() {
        return problems;
    }
}
