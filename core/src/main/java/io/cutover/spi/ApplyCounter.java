package io.cutover.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Counts the changes a stream committed on its target: the total, and the rate over a recent
 * window (by default the last 10 s) in one-second buckets, read from an injected {@link Clock} so
 * tests drive it without sleeping. For capture hosts and fakes that implement
 * {@link io.cutover.ReplicationStream#status()}.
 *
 * <p>While the counter is younger than the window, the rate is over its age (at least one second),
 * so a stream that has just started does not look slow. Thread-safe: one thread usually adds,
 * any thread reads; both take a short lock with no I/O.
 */
public final class ApplyCounter {

    /** The window of {@link #perSecond()} unless told otherwise. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

    private final Clock clock;
    private final int windowSeconds;
    private final long[] bucketSecond; // guarded by this
    private final long[] bucketCount; // guarded by this
    private final long startedMillis;
    private long total; // guarded by this

    /**
     * Creates a counter with a rate over the last 10 s.
     *
     * @param clock the time source
     * @throws NullPointerException if clock is null
     */
    public ApplyCounter(Clock clock) {
        this(clock, DEFAULT_WINDOW);
    }

    /**
     * Creates a counter.
     *
     * @param clock the time source
     * @param window how far back the rate looks; whole seconds, at least one
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if the window is under one second
     */
    public ApplyCounter(Clock clock, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(window, "window");
        if (window.getSeconds() < 1) {
            throw new IllegalArgumentException("window must be at least 1 s, was " + window);
        }
        if (window.getSeconds() > 3600) {
            throw new IllegalArgumentException("window must be at most 1 h, was " + window);
        }
        this.windowSeconds = (int) window.getSeconds();
        this.bucketSecond = new long[windowSeconds];
        this.bucketCount = new long[windowSeconds];
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
        this.startedMillis = clock.millis();
    }

    /**
     * Adds changes committed now.
     *
     * @param changes how many; not negative
     * @throws IllegalArgumentException if changes is negative
     */
    public void add(long changes) {
        if (changes < 0) {
            throw new IllegalArgumentException("changes must not be negative, was " + changes);
        }
        if (changes == 0) {
            return;
        }
        long second = Math.floorDiv(clock.millis(), 1000);
        int i = (int) Math.floorMod(second, windowSeconds);
        synchronized (this) {
            if (bucketSecond[i] != second) {
                bucketSecond[i] = second;
                bucketCount[i] = 0;
            }
            bucketCount[i] += changes;
            total += changes;
        }
    }

    /**
     * Returns every change added since the counter was created.
     *
     * @return the total
     */
    public synchronized long total() {
        return total;
    }

    /**
     * Returns the changes per second over the window (or over the counter's age, while it is
     * younger than the window).
     *
     * @return the rate, zero when nothing was added in the window
     */
    public double perSecond() {
        long now = clock.millis();
        long second = Math.floorDiv(now, 1000);
        long sum = 0;
        synchronized (this) {
            for (int i = 0; i < windowSeconds; i++) {
                long age = second - bucketSecond[i];
                if (age >= 0 && age < windowSeconds) {
                    sum += bucketCount[i];
                }
            }
        }
        double span = Math.min(windowSeconds, Math.max(1.0, (now - startedMillis) / 1000.0));
        return sum / span;
    }

    /**
     * Returns the window the rate is taken over.
     *
     * @return the window
     */
    public Duration window() {
        return Duration.ofSeconds(windowSeconds);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "ApplyCounter[total %d, %.1f/s over %d s]", total(), perSecond(), windowSeconds);
    }
}
