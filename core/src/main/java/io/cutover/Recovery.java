package io.cutover;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A stream's recovery from a transient error, as {@link ReplicationStream#recovery()} shows it
 * while the stream is {@link ReplicationStream.State#RECOVERING}.
 *
 * @param lost what the stream lost: {@code "blue"}, {@code "green"}, or its source or target
 * @param attempts the attempts made so far to resume (0 before the first)
 * @param lastError the last error: the one that began the recovery, or the last attempt's
 * @param since when the stream lost it
 * @param nextAttemptAt when the next attempt is due (in the past while one runs)
 * @param givesUpAt when the stream fails for good if it has not resumed by then
 */
public record Recovery(String lost, int attempts, Throwable lastError, Instant since, Instant nextAttemptAt,
        Instant givesUpAt) {

    /**
     * Checks the values.
     *
     * @throws NullPointerException if a value is null
     * @throws IllegalArgumentException if {@code attempts} is negative
     */
    public Recovery {
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
     * Returns how long the stream has been recovering at {@code now}.
     *
     * @param now the time now
     * @return the time since it lost its source or target
     */
    public Duration elapsed(Instant now) {
        return Duration.between(since, now);
    }

    /**
     * Describes the recovery in one line, for messages: what was lost, why, the attempts.
     *
     * @return the description
     */
    public String describe() {
        return "lost " + lost + " (" + lastError.getMessage() + "); " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + " since " + since + ", gives up at " + givesUpAt;
    }
}
