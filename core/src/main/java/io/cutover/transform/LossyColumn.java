package io.cutover.transform;

import java.util.Objects;

/**
 * A column whose value a mapping's reverse cannot give back: applying the mapping and then its
 * reverse may not restore it. Produced by {@link TableMapping#lossyColumns()} (by construction)
 * and by the round-trip check (measured on sample rows).
 *
 * <p>Thread safety: an immutable record.
 *
 * @param column the column's name, as the step that loses it sees it (the source's name unless an
 *     earlier step renamed it)
 * @param reason why it is lost, for example {@code "dropped with no restore value"}
 */
public record LossyColumn(String column, String reason) {

    /**
     * Validates.
     *
     * @param column see the record component
     * @param reason see the record component
     * @throws NullPointerException if either argument is null
     */
    public LossyColumn {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(reason, "reason");
    }
}
