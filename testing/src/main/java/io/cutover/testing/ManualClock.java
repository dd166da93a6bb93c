package io.cutover.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} that moves only when told to, so tests can drive budgets and timeouts without
 * sleeping. Give it to {@code Cutover.builder().clock(...)} and to a
 * {@link FakeReplicationStream}, whose slow fences then advance it.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * stream.fenceTakes(Duration.ofSeconds(30)).useClock(clock);
 * // the cutover sees 30 s pass while waiting for the fence and aborts on its budget
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ManualClock extends Clock {
    private final ZoneId zone;
    private Instant now; // guarded by this

    /** Creates a clock at 2026-01-01T00:00:00Z in UTC. */
    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    }

    /**
     * Creates a clock at a given instant.
     *
     * @param start the time to start at
     * @param zone the zone to report
     * @throws NullPointerException if either is null
     */
    public ManualClock(Instant start, ZoneId zone) {
        this.now = Objects.requireNonNull(start, "start");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Moves the clock forward.
     *
     * @param by how far; not negative
     * @throws NullPointerException if by is null
     * @throws IllegalArgumentException if by is negative
     */
    public synchronized void advance(Duration by) {
        Objects.requireNonNull(by, "by");
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + by);
        }
        now = now.plus(by);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new ManualClock(instant(), newZone);
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + "]";
    }
}
