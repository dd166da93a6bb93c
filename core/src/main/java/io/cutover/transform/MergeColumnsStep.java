package io.cutover.transform;

import java.util.Collections;
import java.util.List;

/**
 * Replaces two columns by one, at the first one's place. A key-only row needs both or neither.
 * Its reverse splits, when the {@link ColumnSplit} can split.
 */
final class MergeColumnsStep implements Step {
    private final String first;
    private final String second;
    private final String into;
    private final ColumnSplit split;

    MergeColumnsStep(String first, String second, String into, ColumnSplit split) {
        this.first = first;
        this.second = second;
        this.into = into;
        this.split = split;
    }

    @Override
    public void apply(WorkingRow row) {
        if (row.keyOnly() && row.has(first) != row.has(second)) {
            throw row.fail(row.has(first) ? second : first, null,
                    describe() + " needs both columns but a delete's key carries only one",
                    "merge two key columns or two non-key columns, not one of each", null);
        }
        if (!row.require(first) | !row.require(second)) {
            return;
        }
        if (!into.equals(first) && !into.equals(second)) {
            row.requireAbsent(into);
        }
        Object a = row.get(first);
        Object b = row.get(second);
        Object merged;
        try {
            merged = split.merge(a, b);
        } catch (RuntimeException e) {
            throw row.fail(into, null, "merging " + Values.show(a) + " and " + Values.show(b) + " threw",
                    "make the merger handle every pair of values, nulls included", e);
        }
        row.remove(second);
        row.replace(first, Collections.singletonMap(into, merged));
    }

    @Override
    public void trace(Shape shape) {
        if (shape.keyOnly() && shape.has(first) != shape.has(second)) {
            shape.problem("merges key column '" + (shape.has(first) ? first : second) + "' with non-key column '"
                    + (shape.has(first) ? second : first) + "', so a delete's key cannot be mapped;"
                    + " merge two key columns or two non-key columns");
            return;
        }
        boolean hasFirst = shape.require(first);
        boolean hasSecond = shape.require(second);
        if (!hasFirst || !hasSecond) {
            return;
        }
        if (!into.equals(first) && !into.equals(second)) {
            shape.requireAbsent(into);
        }
        Shape.Col a = shape.get(first);
        Shape.Col b = shape.get(second);
        TypeFamily family = a.family() == b.family() ? a.family() : TypeFamily.OTHER;
        shape.remove(second);
        shape.replace(first, Collections.singletonMap(into,
                new Shape.Col(family, null, "merged by " + describe(), a.key() || b.key())));
    }

    @Override
    public String noReverse() {
        return split.canSplit() ? null
                : describe() + " has no split; give one with ColumnSplit.of(splitter, merger)";
    }

    @Override
    public Step reverse() {
        return new SplitColumnStep(into, first, second, split);
    }

    @Override
    public List<LossyColumn> loss() {
        return List.of();
    }

    @Override
    public String describe() {
        return "mergeColumns(" + first + ", " + second + " -> " + into + ")";
    }
}
