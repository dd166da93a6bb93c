package io.cutover.transform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces one column, in place, by two parts. A split key column gives two key columns. Its
 * reverse merges them, when the {@link ColumnSplit} can merge.
 */
final class SplitColumnStep implements Step {
    private final String column;
    private final String first;
    private final String second;
    private final ColumnSplit split;

    SplitColumnStep(String column, String first, String second, ColumnSplit split) {
        this.column = column;
        this.first = first;
        this.second = second;
        this.split = split;
    }

    @Override
    public void apply(WorkingRow row) {
        if (!row.require(column)) {
            return;
        }
        for (String part : List.of(first, second)) {
            if (!part.equals(column)) {
                row.requireAbsent(part);
            }
        }
        Object value = row.get(column);
        ColumnSplit.Parts parts;
        try {
            parts = split.split(value);
        } catch (RuntimeException e) {
            throw row.fail(column, value, "splitting value " + Values.show(value) + " of column '" + column + "' threw",
                    "make the splitter handle every value of the column", e);
        }
        Map<String, Object> with = new LinkedHashMap<>();
        with.put(first, parts.first());
        with.put(second, parts.second());
        row.replace(column, with);
    }

    @Override
    public void trace(Shape shape) {
        if (!shape.require(column)) {
            return;
        }
        for (String part : List.of(first, second)) {
            if (!part.equals(column)) {
                shape.requireAbsent(part);
            }
        }
        Shape.Col c = shape.get(column);
        Map<String, Shape.Col> with = new LinkedHashMap<>();
        // A part of a null value is null, and a part of a non-null one may be null: not known.
        with.put(first, new Shape.Col(c.family(), null, "split from " + c.origin(), c.key()));
        with.put(second, new Shape.Col(c.family(), null, "split from " + c.origin(), c.key()));
        shape.replace(column, with);
    }

    @Override
    public String noReverse() {
        return split.canMerge() ? null
                : describe() + " has no merge; give one with ColumnSplit.of(splitter, merger)";
    }

    @Override
    public Step reverse() {
        return new MergeColumnsStep(first, second, column, split);
    }

    @Override
    public List<LossyColumn> loss() {
        return List.of();
    }

    @Override
    public String describe() {
        return "splitColumn(" + column + " -> " + first + ", " + second + ")";
    }
}
