package io.cutover.transform;

import java.util.Objects;
import java.util.function.Function;

/** A {@link Conversion} made of a function and, optionally, its inverse. Immutable. */
final class FunctionConversion implements Conversion {
    private final TypeFamily from;
    private final TypeFamily to;
    private final Function<Object, Object> forward;
    private final Function<Object, Object> back;

    FunctionConversion(TypeFamily from, TypeFamily to, Function<Object, Object> forward, Function<Object, Object> back) {
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.forward = Objects.requireNonNull(forward, "forward");
        this.back = back;
    }

    @Override
    public TypeFamily from() {
        return from;
    }

    @Override
    public TypeFamily to() {
        return to;
    }

    @Override
    public Object convert(Object value) {
        return forward.apply(value);
    }

    @Override
    public boolean reversible() {
        return back != null;
    }

    @Override
    public Conversion reversed() {
        if (back == null) {
            throw new IllegalStateException("conversion " + from.label() + " -> " + to.label()
                    + " is one-way; make it with Conversion.of(from, to, forward, back)");
        }
        return new FunctionConversion(to, from, back, forward);
    }
}
