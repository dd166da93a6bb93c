package io.cutover.transform;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How one column's value becomes two and, where possible, how two become one again. The same
 * object serves {@link TableMappingBuilder#splitColumn splitColumn} (split forward, merge on
 * reverse) and {@link TableMappingBuilder#mergeColumns mergeColumns} (merge forward, split on
 * reverse). Functions must be pure; they are never called with a row, only with values.
 *
 * <p>Example: {@code ColumnSplit.atFirst(" ")} splits {@code "Ada King Lovelace"} into
 * {@code "Ada"} and {@code "King Lovelace"}, and joins them back with one space.
 *
 * <p>Thread safety: implementations are immutable and must be safe to call from many threads.
 */
public interface ColumnSplit {

    /**
     * Splits a value into its two parts.
     *
     * @param value the column's value; may be null
     * @return the two parts, never null
     * @throws UnsupportedOperationException if this split cannot split ({@link #canSplit()} is false)
     * @throws RuntimeException if the value cannot be split; the mapping reports it with the row's key
     */
    Parts split(Object value);

    /**
     * Merges two parts into one value.
     *
     * @param first the first part; may be null
     * @param second the second part; may be null
     * @return the merged value
     * @throws UnsupportedOperationException if this split cannot merge ({@link #canMerge()} is false)
     */
    Object merge(Object first, Object second);

    /**
     * Tells whether {@link #split} is defined.
     *
     * @return true when values can be split
     */
    boolean canSplit();

    /**
     * Tells whether {@link #merge} is defined.
     *
     * @return true when parts can be merged
     */
    boolean canMerge();

    /**
     * The two parts of a split value.
     *
     * <p>Thread safety: an immutable record (the parts themselves should be immutable values).
     *
     * @param first the first part; may be null
     * @param second the second part; may be null
     */
    record Parts(Object first, Object second) {
    }

    /**
     * Creates a split that works both ways.
     *
     * @param splitter value to its two parts; called only with non-null values (null splits into two nulls)
     * @param merger the two parts to the value; called only when a part is non-null (two nulls merge to null)
     * @return the split
     * @throws NullPointerException if either function is null
     */
    static ColumnSplit of(Function<Object, Parts> splitter, BiFunction<Object, Object, Object> merger) {
        return new FunctionSplit(Objects.requireNonNull(splitter, "splitter"), Objects.requireNonNull(merger, "merger"));
    }

    /**
     * Creates a split with no merge: a {@code splitColumn} using it has no reverse, and a
     * {@code mergeColumns} cannot use it.
     *
     * @param splitter value to its two parts; called only with non-null values
     * @return the split
     * @throws NullPointerException if splitter is null
     */
    static ColumnSplit splitOnly(Function<Object, Parts> splitter) {
        return new FunctionSplit(Objects.requireNonNull(splitter, "splitter"), null);
    }

    /**
     * Creates a merge with no split: a {@code mergeColumns} using it has no reverse, and a
     * {@code splitColumn} cannot use it.
     *
     * @param merger the two parts to the value; called only when a part is non-null
     * @return the split
     * @throws NullPointerException if merger is null
     */
    static ColumnSplit mergeOnly(BiFunction<Object, Object, Object> merger) {
        return new FunctionSplit(null, Objects.requireNonNull(merger, "merger"));
    }

    /**
     * Splits text at the first occurrence of a separator and joins with it: {@code "Ada Lovelace"}
     * ↔ {@code ("Ada", "Lovelace")}; a value without the separator becomes {@code (value, null)},
     * and {@code (first, null)} joins back to {@code first}. Splitting then merging gives back
     * every string; merging then splitting gives back the parts only when the first part holds no
     * separator ({@code ("Mary Ann", "Smith")} comes back as {@code ("Mary", "Ann Smith")}), which
     * the round-trip check shows.
     *
     * @param separator the separator; not empty
     * @return the split
     * @throws NullPointerException if separator is null
     * @throws IllegalArgumentException if separator is empty
     */
    static ColumnSplit atFirst(String separator) {
        Objects.requireNonNull(separator, "separator");
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("separator is empty");
        }
        return of(value -> {
            String s = value.toString();
            int i = s.indexOf(separator);
            return i < 0 ? new Parts(s, null) : new Parts(s.substring(0, i), s.substring(i + separator.length()));
        }, (first, second) -> {
            if (second == null) {
                return first;
            }
            return (first == null ? "" : first.toString()) + separator + second;
        });
    }
}
