package io.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ReplicationLink#verify(VerifyOptions)} compares: a plain value. Start from
 * {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * @param chunkSize source rows per key-range chunk; positive
 * @param maxKeysReported differing rows listed per table (the rest are counted); not negative
 * @param rechecks how many times a suspect row is read again after a fence before it is given up
 *     as still changing; positive
 * @param fenceTimeout how long each fence may take to reach the target; positive
 */
public record VerifyOptions(int chunkSize, int maxKeysReported, int rechecks, Duration fenceTimeout) {

    /**
     * Validates.
     *
     * @param chunkSize see the record component
     * @param maxKeysReported see the record component
     * @param rechecks see the record component
     * @param fenceTimeout see the record component
     * @throws NullPointerException if fenceTimeout is null
     * @throws IllegalArgumentException if a number is out of range
     */
    public VerifyOptions {
        Objects.requireNonNull(fenceTimeout, "fenceTimeout");
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive, was " + chunkSize);
        }
        if (maxKeysReported < 0) {
            throw new IllegalArgumentException("maxKeysReported must not be negative, was " + maxKeysReported);
        }
        if (rechecks <= 0) {
            throw new IllegalArgumentException("rechecks must be positive, was " + rechecks);
        }
        if (fenceTimeout.isNegative() || fenceTimeout.isZero()) {
            throw new IllegalArgumentException("fenceTimeout must be positive, was " + fenceTimeout);
        }
    }

    /**
     * Returns the defaults: chunks of 1000 rows, 100 keys reported per table, 5 re-checks, 30 s per fence.
     *
     * @return the defaults
     */
    public static VerifyOptions defaults() {
        return new VerifyOptions(1000, 100, 5, Duration.ofSeconds(30));
    }

    /**
     * Returns these options with another chunk size.
     *
     * @param rows source rows per chunk; positive
     * @return the new options
     */
    public VerifyOptions withChunkSize(int rows) {
        return new VerifyOptions(rows, maxKeysReported, rechecks, fenceTimeout);
    }

    /**
     * Returns these options with another cap on listed keys.
     *
     * @param keys differing rows listed per table; not negative
     * @return the new options
     */
    public VerifyOptions withMaxKeysReported(int keys) {
        return new VerifyOptions(chunkSize, keys, rechecks, fenceTimeout);
    }

    /**
     * Returns these options with another re-check budget.
     *
     * @param times re-checks per suspect row; positive
     * @return the new options
     */
    public VerifyOptions withRechecks(int times) {
        return new VerifyOptions(chunkSize, maxKeysReported, times, fenceTimeout);
    }

    /**
     * Returns these options with another fence timeout.
     *
     * @param timeout per fence; positive
     * @return the new options
     */
    public VerifyOptions withFenceTimeout(Duration timeout) {
        return new VerifyOptions(chunkSize, maxKeysReported, rechecks, timeout);
    }
}
