package io.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one phase of a cutover took.
 *
 * @param phase the phase
 * @param duration its wall-clock duration
 */
public record PhaseTiming(Phase phase, Duration duration) {
    /**
     * Validates the values.
     *
     * @param phase see the record component
     * @param duration see the record component
     * @throws NullPointerException if either is null
     */
    public PhaseTiming {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(duration, "duration");
    }
}
