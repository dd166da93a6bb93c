package io.cutover;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a {@link ReplicationStream} for operators: its state, lag, how much it applied
 * and how fast, the initial copy's progress and its last error. Taken by
 * {@link ReplicationStream#status()}; a value, safe to keep and share.
 *
 * @param name the stream's name
 * @param state its state when the snapshot was taken
 * @param lag its lag then
 * @param appliedPosition the last source position committed on the target, {@link Position#NONE}
 *     before anything was applied
 * @param appliedTotal changes committed on the target since the stream was created (a stream
 *     that does not count them reports {@link #UNKNOWN})
 * @param appliedPerSecond changes committed per second over the last few seconds (see
 *     {@link io.cutover.spi.ApplyCounter}); {@code NaN} when the stream does not count
 * @param copy the initial copy's progress while {@link ReplicationStream.State#COPYING}, else null
 * @param lastError the last error the stream met, kept after a restart; null if none. Its
 *     message holds no password and no JDBC URL with credentials
 * @param takenAt when the snapshot was taken
 * @param recovery the recovery under way while {@link ReplicationStream.State#RECOVERING}, else null
 */
public record StreamStatus(
        String name,
        ReplicationStream.State state,
        Lag lag,
        Position appliedPosition,
        long appliedTotal,
        double appliedPerSecond,
        CopyStatus copy,
        LastError lastError,
        Instant takenAt,
        Recovering recovery) {

    /** A count the stream does not keep. */
    public static final long UNKNOWN = -1;

    /**
     * A stream's recovery from a transient error, as a value to show: a {@link Recovery} with its
     * error reduced to a redacted {@link LastError}, so that the snapshot holds no exception.
     *
     * @param lost what the stream lost: {@code "blue"}, {@code "green"}, or its source or target
     * @param attempts the attempts made so far to resume (0 before the first)
     * @param lastError the last error, redacted: the one that began the recovery, or the last attempt's
     * @param since when the stream lost it
     * @param nextAttemptAt when the next attempt is due (in the past while one runs)
     * @param givesUpAt when the stream fails for good if it has not resumed by then
     */
    public record Recovering(String lost, int attempts, LastError lastError, Instant since, Instant nextAttemptAt,
            Instant givesUpAt) {

        /**
         * Checks the values.
         *
         * @param lost see the record component
         * @param attempts see the record component
         * @param lastError see the record component
         * @param since see the record component
         * @param nextAttemptAt see the record component
         * @param givesUpAt see the record component
         * @throws NullPointerException if a value is null
         * @throws IllegalArgumentException if {@code attempts} is negative
         */
        public Recovering {
            Objects.requireNonNull(lost, "lost");
            Objects.requireNonNull(lastError, "lastError");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
            Objects.requireNonNull(givesUpAt, "givesUpAt");
            if (attempts < 0) {
                throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
            }
        }

        /**
         * Describes a recovery as a value, its error redacted and timed when the recovery last heard of it.
         *
         * @param recovery the recovery
         * @return the value
         * @throws NullPointerException if recovery is null
         */
        public static Recovering of(Recovery recovery) {
            Objects.requireNonNull(recovery, "recovery");
            Instant errorAt = recovery.attempts() == 0 ? recovery.since() : recovery.nextAttemptAt();
            if (errorAt.isBefore(recovery.since())) {
                errorAt = recovery.since();
            }
            return new Recovering(recovery.lost(), recovery.attempts(), LastError.of(recovery.lastError(), errorAt),
                    recovery.since(), recovery.nextAttemptAt(), recovery.givesUpAt());
        }

        @Override
        public String toString() {
            return "lost " + lost + " since " + since + ", " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                    + ", next at " + nextAttemptAt + ", gives up at " + givesUpAt + ", last error " + lastError.message();
        }
    }

    /**
     * A snapshot of a stream that is not recovering (or does not say how it recovers).
     *
     * @param name see the record component
     * @param state see the record component
     * @param lag see the record component
     * @param appliedPosition see the record component
     * @param appliedTotal see the record component
     * @param appliedPerSecond see the record component
     * @param copy see the record component
     * @param lastError see the record component
     * @param takenAt see the record component
     * @throws NullPointerException if name, state, lag, appliedPosition or takenAt is null
     * @throws IllegalArgumentException if appliedTotal is below {@link #UNKNOWN} or the rate is negative
     */
    public StreamStatus(String name, ReplicationStream.State state, Lag lag, Position appliedPosition, long appliedTotal,
            double appliedPerSecond, CopyStatus copy, LastError lastError, Instant takenAt) {
        this(name, state, lag, appliedPosition, appliedTotal, appliedPerSecond, copy, lastError, takenAt, null);
    }

    /**
     * Validates the values.
     *
     * @param name see the record component
     * @param state see the record component
     * @param lag see the record component
     * @param appliedPosition see the record component
     * @param appliedTotal see the record component
     * @param appliedPerSecond see the record component
     * @param copy see the record component
     * @param lastError see the record component
     * @param takenAt see the record component
     * @param recovery see the record component
     * @throws NullPointerException if name, state, lag, appliedPosition or takenAt is null
     * @throws IllegalArgumentException if appliedTotal is below {@link #UNKNOWN} or the rate is negative
     */
    public StreamStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(appliedPosition, "appliedPosition");
        Objects.requireNonNull(takenAt, "takenAt");
        if (appliedTotal < UNKNOWN) {
            throw new IllegalArgumentException("appliedTotal must be UNKNOWN (-1) or not negative, was " + appliedTotal);
        }
        if (appliedPerSecond < 0) {
            throw new IllegalArgumentException("appliedPerSecond must not be negative, was " + appliedPerSecond);
        }
    }

    /**
     * Returns the initial copy's progress, present only while the stream copies.
     *
     * @return the progress, or empty
     */
    public Optional<CopyStatus> copyProgress() {
        return Optional.ofNullable(copy);
    }

    /**
     * Returns the last error the stream met.
     *
     * @return the error, or empty if none
     */
    public Optional<LastError> error() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Returns the recovery under way, present only while the stream is recovering.
     *
     * @return the recovery, or empty
     */
    public Optional<Recovering> recovering() {
        return Optional.ofNullable(recovery);
    }

    /**
     * Returns one line for logs and consoles.
     *
     * @return e.g. {@code stream 'orders' STREAMING, lag 0 events / 0 ms, applied 1200 (35.0/s) up to lsn 0/16B3748}
     */
    public String summary() {
        StringBuilder sb = new StringBuilder("stream '").append(name).append("' ").append(state)
                .append(", lag ").append(lag);
        if (appliedTotal != UNKNOWN) {
            sb.append(String.format(java.util.Locale.ROOT, ", applied %d (%.1f/s)", appliedTotal, appliedPerSecond));
        }
        if (!Position.NONE.equals(appliedPosition)) {
            sb.append(" up to ").append(appliedPosition.value());
        }
        if (copy != null) {
            sb.append(", copying ").append(copy);
        }
        if (recovery != null) {
            sb.append(", recovering: ").append(recovery);
        }
        if (lastError != null) {
            sb.append(", last error ").append(lastError);
        }
        return sb.toString();
    }
}
