package io.cutover.transform;

import io.cutover.Row;
import java.util.List;
import java.util.function.Function;

/**
 * Drops a column (from key-only rows too, when present). Lossy: its reverse cannot give the value
 * back. It adds the column with the restore function when one was given, else leaves it out.
 */
final class DropColumnStep implements Step {
    private final String column;
    private final Function<? super Row, ?> restore;
    private final TypeFamily family;
    private final Boolean nullable;
    private final String what;

    DropColumnStep(String column, Function<? super Row, ?> restore, TypeFamily family, Boolean nullable, String what) {
        this.column = column;
        this.restore = restore;
        this.family = family;
        this.nullable = nullable;
        this.what = what;
    }

    @Override
    public void apply(WorkingRow row) {
        if (row.require(column)) {
            row.remove(column);
        }
    }

    @Override
    public void trace(Shape shape) {
        if (!shape.require(column)) {
            return;
        }
        if (shape.get(column).key()) {
            shape.problem("drops key column '" + column + "', so deletes and key changes cannot be mapped;"
                    + " keep the key column, or rename it instead of dropping it");
        }
        shape.remove(column);
    }

    @Override
    public String noReverse() {
        return null;
    }

    @Override
    public Step reverse() {
        return new AddColumnStep(column, restore, family, nullable, what);
    }

    @Override
    public List<LossyColumn> loss() {
        return List.of(new LossyColumn(column, restore == null
                ? "dropped by " + describe() + " with no restore value: the reverse leaves it out"
                : "dropped by " + describe() + ": the reverse writes " + what + ", not the original value"));
    }

    @Override
    public String describe() {
        return "dropColumn(" + column + ")";
    }
}
