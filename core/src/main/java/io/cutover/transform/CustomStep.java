package io.cutover.transform;

import io.cutover.Row;
import io.cutover.RowTransform;
import java.util.List;

/**
 * A user function over the whole row. Opaque to the schema check, which assumes it keeps the
 * columns as they are. Reversible only when the user gave the reverse.
 */
final class CustomStep implements Step {
    private final String description;
    private final RowTransform forward;
    private final RowTransform reverse;

    CustomStep(String description, RowTransform forward, RowTransform reverse) {
        this.description = description;
        this.forward = forward;
        this.reverse = reverse;
    }

    @Override
    public void apply(WorkingRow row) {
        Row result;
        try {
            result = forward.apply(row.toRow());
        } catch (RowTransformException e) {
            throw e;
        } catch (RuntimeException e) {
            throw row.fail(null, null, "the function threw", "make it handle every row, including a delete's key-only row", e);
        }
        if (result == null) {
            throw row.fail(null, null, "the function returned null", "return a Row", null);
        }
        row.reset(result);
    }

    @Override
    public void trace(Shape shape) {
        shape.opaque();
    }

    @Override
    public String noReverse() {
        return reverse != null ? null
                : describe() + " has no reverse; give it with custom(description, forward, reverse)";
    }

    @Override
    public Step reverse() {
        return new CustomStep("reverse of " + description, reverse, forward);
    }

    @Override
    public List<LossyColumn> loss() {
        return List.of();
    }

    @Override
    public String describe() {
        return "custom('" + description + "')";
    }
}
