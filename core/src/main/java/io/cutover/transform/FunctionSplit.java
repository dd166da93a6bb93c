package io.cutover.transform;

import java.util.function.BiFunction;
import java.util.function.Function;

/** A {@link ColumnSplit} made of two functions, either of which may be missing. Immutable. */
final class FunctionSplit implements ColumnSplit {
    private final Function<Object, Parts> splitter;
    private final BiFunction<Object, Object, Object> merger;

    FunctionSplit(Function<Object, Parts> splitter, BiFunction<Object, Object, Object> merger) {
        this.splitter = splitter;
        this.merger = merger;
    }

    @Override
    public Parts split(Object value) {
        if (splitter == null) {
            throw new UnsupportedOperationException("this ColumnSplit has no splitter (made with mergeOnly)");
        }
        if (value == null) {
            return new Parts(null, null);
        }
        Parts parts = splitter.apply(value);
        if (parts == null) {
            throw new IllegalArgumentException("the splitter returned null instead of two Parts");
        }
        return parts;
    }

    @Override
    public Object merge(Object first, Object second) {
        if (merger == null) {
            throw new UnsupportedOperationException("this ColumnSplit has no merger (made with splitOnly)");
        }
        if (first == null && second == null) {
            return null;
        }
        return merger.apply(first, second);
    }

    @Override
    public boolean canSplit() {
        return splitter != null;
    }

    @Override
    public boolean canMerge() {
        return merger != null;
    }
}
