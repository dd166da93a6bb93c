package io.cutover.transform;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.function.Function;

/**
 * Converts a column's values from one type to another, and back where that is defined; used by
 * {@link TableMappingBuilder#convertColumn}. Null converts to null without calling the functions.
 * A conversion that throws fails the row with a {@link RowTransformException}, unless the step
 * was given an {@link OnFailure} fallback.
 *
 * <p>Example: {@code Conversion.textToLong()} turns {@code "42"} into {@code 42L} and back into
 * {@code "42"}; {@code "forty"} fails.
 *
 * <p>Thread safety: implementations are immutable and safe to call from many threads.
 */
public interface Conversion {

    /**
     * Returns the family of the values converted from, for the schema check.
     *
     * @return the source family
     */
    TypeFamily from();

    /**
     * Returns the family of the values converted to, for the schema check.
     *
     * @return the target family
     */
    TypeFamily to();

    /**
     * Converts one non-null value.
     *
     * @param value the value; not null
     * @return the converted value
     * @throws RuntimeException if the value cannot be converted
     */
    Object convert(Object value);

    /**
     * Tells whether {@link #reversed()} is defined.
     *
     * @return true when the conversion can be undone
     */
    boolean reversible();

    /**
     * Returns the conversion back.
     *
     * @return a conversion from {@link #to()} to {@link #from()}
     * @throws IllegalStateException if this conversion is one-way
     */
    Conversion reversed();

    /**
     * Creates a conversion that works both ways.
     *
     * @param from the family converted from
     * @param to the family converted to
     * @param forward converts a non-null value
     * @param back converts a converted value back
     * @return the conversion
     * @throws NullPointerException if any argument is null
     */
    static Conversion of(TypeFamily from, TypeFamily to, Function<Object, Object> forward, Function<Object, Object> back) {
        return new FunctionConversion(from, to, forward, Objects.requireNonNull(back, "back"));
    }

    /**
     * Creates a conversion with no way back: a {@code convertColumn} using it has no reverse.
     *
     * @param from the family converted from
     * @param to the family converted to
     * @param forward converts a non-null value
     * @return the conversion
     * @throws NullPointerException if any argument is null
     */
    static Conversion oneWay(TypeFamily from, TypeFamily to, Function<Object, Object> forward) {
        return new FunctionConversion(from, to, forward, null);
    }

    /**
     * Text to {@code Long} ({@link Long#parseLong} after trimming) and back with {@code toString}.
     * {@code " 7"} comes back as {@code "7"}, which the round-trip check shows.
     *
     * @return the conversion
     */
    static Conversion textToLong() {
        return of(TypeFamily.TEXT, TypeFamily.NUMERIC, v -> Long.parseLong(v.toString().trim()), Object::toString);
    }

    /**
     * Text to {@code BigDecimal} and back with {@link BigDecimal#toPlainString()}.
     *
     * @return the conversion
     */
    static Conversion textToDecimal() {
        return of(TypeFamily.TEXT, TypeFamily.NUMERIC, v -> new BigDecimal(v.toString().trim()),
                v -> (v instanceof BigDecimal d ? d : new BigDecimal(v.toString())).toPlainString());
    }
}
