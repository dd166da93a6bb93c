package io.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link Cutover} may start its write pause: not before the stream has shown it is caught
 * up. While writes still flow, preflight writes fences on the source one after the other and
 * starts the pause as soon as one is applied on the target within {@code caughtUpWithin} of being
 * written; a fence's round trip is the catch-up the pause would wait for had it begun then, so the
 * pause starts at a moment the stream is close behind instead of at whatever moment the caller
 * chose. If no fence is that quick within {@code maxWait}, the cutover pauses anyway, or, with
 * {@code refuseOnMiss}, is refused by a {@link PreflightException} with writes untouched.
 *
 * <p>Under a load the stream keeps up with, the first fence usually passes and the gate costs one
 * fence's round trip; under a load that keeps the stream seconds behind it waits for a lull, at
 * most {@code maxWait}. A plain value; immutable and thread-safe.
 *
 * @param caughtUpWithin the longest fence round trip that counts as caught up; positive
 * @param maxWait how long preflight keeps writing fences; at least {@code caughtUpWithin}
 * @param refuseOnMiss whether a gate that saw no quick fence within {@code maxWait} refuses the
 *     cutover (true) or lets the pause start anyway (false)
 */
public record PauseGate(Duration caughtUpWithin, Duration maxWait, boolean refuseOnMiss) {

    /**
     * Validates the values.
     *
     * @param caughtUpWithin see the record component
     * @param maxWait see the record component
     * @param refuseOnMiss see the record component
     * @throws NullPointerException if a duration is null
     * @throws IllegalArgumentException if a duration is not positive, or maxWait is shorter than caughtUpWithin
     */
    public PauseGate {
        Objects.requireNonNull(caughtUpWithin, "caughtUpWithin");
        Objects.requireNonNull(maxWait, "maxWait");
        if (caughtUpWithin.isZero() || caughtUpWithin.isNegative()) {
            throw new IllegalArgumentException("caughtUpWithin must be positive, was " + caughtUpWithin);
        }
        if (maxWait.compareTo(caughtUpWithin) < 0) {
            throw new IllegalArgumentException("maxWait (" + maxWait.toMillis() + " ms) is shorter than caughtUpWithin ("
                    + caughtUpWithin.toMillis() + " ms): no fence could pass; raise maxWait");
        }
    }

    /**
     * A gate that lets the pause start anyway once {@code maxWait} has passed without a quick fence.
     *
     * @param caughtUpWithin the longest fence round trip that counts as caught up
     * @param maxWait how long to keep trying
     * @return the gate
     * @throws NullPointerException if a duration is null
     * @throws IllegalArgumentException as the constructor
     */
    public static PauseGate of(Duration caughtUpWithin, Duration maxWait) {
        return new PauseGate(caughtUpWithin, maxWait, false);
    }

    /**
     * Returns this gate, refusing the cutover when no fence was quick enough within {@code maxWait}.
     *
     * @return a gate that refuses on a miss
     */
    public PauseGate refusingOnMiss() {
        return new PauseGate(caughtUpWithin, maxWait, true);
    }
}
