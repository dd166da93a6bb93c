package io.cutover.transform;

import io.cutover.Row;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a {@link TableMappingBuilder#convertColumn convertColumn} step does with a value that does
 * not convert. The default, {@link #fail()}, stops the row with a {@link RowTransformException}
 * naming the table, the column, the value and the row's key. A fallback writes a replacement
 * value instead, and makes the column lossy: the reverse cannot give the original back.
 *
 * <p>Thread safety: immutable.
 */
public final class OnFailure {
    private static final OnFailure FAIL = new OnFailure(null, "fail");

    private final Function<? super Row, ?> fallback;
    private final String description;

    private OnFailure(Function<? super Row, ?> fallback, String description) {
        this.fallback = fallback;
        this.description = description;
    }

    /**
     * Fails the row: the replication stream stops on it, with a message naming the value.
     *
     * @return the policy
     */
    public static OnFailure fail() {
        return FAIL;
    }

    /**
     * Writes NULL instead of a value that does not convert.
     *
     * @return the policy
     */
    public static OnFailure useNull() {
        return new OnFailure(row -> null, "use null");
    }

    /**
     * Writes a constant instead of a value that does not convert.
     *
     * @param value the replacement; may be null
     * @return the policy
     */
    public static OnFailure use(Object value) {
        return new OnFailure(row -> value, "use " + Values.show(value));
    }

    /**
     * Computes the replacement from the row (as it is at the step) instead of a value that does
     * not convert.
     *
     * @param fallback row to replacement; must be pure
     * @return the policy
     * @throws NullPointerException if fallback is null
     */
    public static OnFailure compute(Function<? super Row, ?> fallback) {
        return new OnFailure(Objects.requireNonNull(fallback, "fallback"), "compute a fallback");
    }

    boolean fails() {
        return fallback == null;
    }

    Object fallback(Row row) {
        return fallback.apply(row);
    }

    @Override
    public String toString() {
        return description;
    }
}
