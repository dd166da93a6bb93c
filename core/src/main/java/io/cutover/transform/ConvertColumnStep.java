package io.cutover.transform;

import java.util.List;

/**
 * Converts a column's non-null values. On failure it throws, naming the value and the row's key,
 * or writes the {@link OnFailure} fallback (then the column is lossy). Its reverse converts back,
 * failing on error, when the {@link Conversion} is reversible.
 */
final class ConvertColumnStep implements Step {
    private final String column;
    private final Conversion conversion;
    private final OnFailure onFailure;

    ConvertColumnStep(String column, Conversion conversion, OnFailure onFailure) {
        this.column = column;
        this.conversion = conversion;
        this.onFailure = onFailure;
    }

    @Override
    public void apply(WorkingRow row) {
        if (!row.require(column)) {
            return;
        }
        Object value = row.get(column);
        if (value == null) {
            return;
        }
        Object converted;
        try {
            converted = conversion.convert(value);
        } catch (RuntimeException e) {
            if (onFailure.fails()) {
                throw row.fail(column, value, "value " + Values.show(value) + " of column '" + column
                        + "' does not convert from " + conversion.from().label() + " to " + conversion.to().label(),
                        "fix the value on the source, or give the step a fallback (OnFailure.useNull(), use(value))", e);
            }
            try {
                converted = onFailure.fallback(row.toRow());
            } catch (RuntimeException f) {
                throw row.fail(column, value, "the fallback for value " + Values.show(value) + " of column '"
                        + column + "' threw", "make the fallback handle every row", f);
            }
        }
        row.put(column, converted);
    }

    @Override
    public void trace(Shape shape) {
        if (!shape.require(column)) {
            return;
        }
        Shape.Col c = shape.get(column);
        if (!c.family().compatibleWith(conversion.from())) {
            shape.problem("converts column '" + column + "' from " + conversion.from().label() + " but it holds "
                    + c.family().label() + " (" + c.origin() + "); use a conversion from " + c.family().label());
        }
        shape.put(column, c.withFamily(conversion.to()));
    }

    @Override
    public String noReverse() {
        return conversion.reversible() ? null
                : describe() + " is one-way; make the conversion with Conversion.of(from, to, forward, back)";
    }

    @Override
    public Step reverse() {
        return new ConvertColumnStep(column, conversion.reversed(), OnFailure.fail());
    }

    @Override
    public List<LossyColumn> loss() {
        return onFailure.fails() ? List.of() : List.of(new LossyColumn(column,
                "values that do not convert are replaced (" + onFailure + ") by " + describe()));
    }

    @Override
    public String describe() {
        return "convertColumn(" + column + ": " + conversion.from().label() + " -> " + conversion.to().label() + ")";
    }
}
