package io.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * Proof that a stream's target has every change its source committed before a point: a marker
 * written on the source and seen committed on the target.
 *
 * @param id the marker's number, unique per stream
 * @param position where the marker stands in the source's change stream
 * @param waited how long from writing the marker to seeing it committed on the target
 */
public record Fence(long id, Position position, Duration waited) {
    /**
     * Validates the values.
     *
     * @param id see the record component
     * @param position see the record component
     * @param waited see the record component
     * @throws NullPointerException if position or waited is null
     */
    public Fence {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(waited, "waited");
    }
}
