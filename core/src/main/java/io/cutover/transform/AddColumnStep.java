package io.cutover.transform;

import io.cutover.Row;
import java.util.List;
import java.util.function.Function;

/**
 * Adds a column with a constant or a value computed from the row, at the end. Never on a key-only
 * row: a delete's key does not carry it. With no value function it adds nothing (the reverse of a
 * drop that was given no restore value). Its reverse drops the column, restoring it with the same
 * function if that drop is reversed in turn.
 */
final class AddColumnStep implements Step {
    private final String column;
    private final Function<? super Row, ?> value;
    private final TypeFamily family;
    private final Boolean nullable;
    private final String what;

    /**
     * @param value null to add nothing
     * @param family the value's family when known ({@link TypeFamily#OTHER} if not)
     * @param nullable whether the value may be null; null when not known
     * @param what how messages describe the value
     */
    AddColumnStep(String column, Function<? super Row, ?> value, TypeFamily family, Boolean nullable, String what) {
        this.column = column;
        this.value = value;
        this.family = family;
        this.nullable = nullable;
        this.what = what;
    }

    @Override
    public void apply(WorkingRow row) {
        if (value == null || row.keyOnly()) {
            return;
        }
        row.requireAbsent(column);
        Row current = row.toRow();
        Object v;
        try {
            v = value.apply(current);
        } catch (RuntimeException e) {
            throw row.fail(column, null, "computing the value of new column '" + column + "' threw",
                    "make the function handle every row (null values included)", e);
        }
        row.put(column, v);
    }

    @Override
    public void trace(Shape shape) {
        if (value == null || shape.keyOnly()) {
            return;
        }
        shape.requireAbsent(column);
        shape.put(column, new Shape.Col(family, nullable, "added by " + describe(), false));
    }

    @Override
    public String noReverse() {
        return null;
    }

    @Override
    public Step reverse() {
        return new DropColumnStep(column, value, family, nullable, what);
    }

    @Override
    public List<LossyColumn> loss() {
        return List.of();
    }

    @Override
    public String describe() {
        return value == null ? "leave out(" + column + ")" : "addColumn(" + column + " = " + what + ")";
    }
}
