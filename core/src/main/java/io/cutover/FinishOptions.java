package io.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ReplicationLink#finish(FinishOptions)} ends a migration: whether the side the data no
 * longer lives on is made writable again, and how long each removal may wait for a server (a lock
 * held on a control table, a replication slot still being let go). A plain value: immutable,
 * thread-safe.
 *
 * <pre>{@code
 * FinishReport report = cutover.reverseLink().orElseThrow().finish(
 *         FinishOptions.builder().makeOldSideWritable(true).build());
 * }</pre>
 */
public final class FinishOptions {

    /** How long a removal may wait for a server unless {@link Builder#timeout(Duration)} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final FinishOptions DEFAULTS = builder().build();

    private final boolean makeOldSideWritable;
    private final Duration timeout;

    private FinishOptions(Builder b) {
        this.makeOldSideWritable = b.makeOldSideWritable;
        this.timeout = b.timeout;
    }

    /**
     * Returns the defaults: the old side keeps its write guard, each removal waits up to
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @return the default options
     */
    public static FinishOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tells whether finish lifts the write guard on the side the link writes to (the old side
     * after a cutover: blue). Off by default: the data no longer lives there, and a writable copy
     * invites writes that go nowhere. The side the link reads from (where the application
     * writes) is always left writable.
     *
     * @return true to lift the old side's guard
     */
    public boolean makeOldSideWritable() {
        return makeOldSideWritable;
    }

    /**
     * Returns how long one removal may wait for a server: a lock on a table or trigger, a
     * replication slot still held by a stream that is stopping.
     *
     * @return a positive duration
     */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "FinishOptions[makeOldSideWritable=" + makeOldSideWritable + ", timeout=" + timeout + "]";
    }

    /** Builds {@link FinishOptions}; validates each value as it is set. Not thread-safe. */
    public static final class Builder {
        private boolean makeOldSideWritable;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        /**
         * Sets whether the old side's write guard is lifted (default false: it stays guarded).
         *
         * @param writable true to make the old side writable again
         * @return this builder
         */
        public Builder makeOldSideWritable(boolean writable) {
            this.makeOldSideWritable = writable;
            return this;
        }

        /**
         * Sets how long one removal may wait for a server (default {@link #DEFAULT_TIMEOUT}).
         *
         * @param timeout positive, at most an hour
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if zero, negative or over an hour
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            if (timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("timeout must be at most 1 hour, was " + timeout
                        + "; a removal that waits that long is blocked by a session to end first");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public FinishOptions build() {
            return new FinishOptions(this);
        }
    }
}
