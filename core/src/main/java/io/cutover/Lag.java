package io.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * How far a {@link ReplicationStream}'s target is behind its source.
 *
 * @param events changes captured from the source and not yet committed on the target
 * @param behind age of the oldest change not yet committed on the target (zero when caught up)
 */
public record Lag(long events, Duration behind) {
    /** No lag at all. */
    public static final Lag NONE = new Lag(0, Duration.ZERO);

    /**
     * Validates the values.
     *
     * @param events see the record component
     * @param behind see the record component
     * @throws NullPointerException if behind is null
     * @throws IllegalArgumentException if either is negative
     */
    public Lag {
        Objects.requireNonNull(behind, "behind");
        if (events < 0) {
            throw new IllegalArgumentException("events must not be negative, was " + events);
        }
        if (behind.isNegative()) {
            throw new IllegalArgumentException("behind must not be negative, was " + behind);
        }
    }

    /**
     * Tells whether this lag is within a limit on both counts.
     *
     * @param limit the limit
     * @return true when events and time are both at or under the limit's
     */
    public boolean within(Lag limit) {
        return events <= limit.events && behind.compareTo(limit.behind) <= 0;
    }

    @Override
    public String toString() {
        return events + " events / " + behind.toMillis() + " ms";
    }
}
