package io.cutover;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One place for an operator to see where a migration stands: the stream now, and the last
 * cutover's report. Obtained from {@link CutoverRecorder#status(ReplicationStream)}; a value,
 * safe to keep, log or serialise.
 *
 * @param stream the stream's status now
 * @param lastResult the last cutover's report (flipped, rehearsed or aborted), or null if none ran
 * @param lastRefusal why the last refused cutover was refused in preflight, or null if none was;
 *     kept even when a later cutover ran (compare {@link LastError#at()} with the result's
 *     {@link CutoverResult#startedAt()})
 * @param takenAt when this status was taken
 */
public record CutoverStatus(StreamStatus stream, CutoverResult lastResult, LastError lastRefusal, Instant takenAt) {

    /**
     * Validates the values.
     *
     * @param stream see the record component
     * @param lastResult see the record component
     * @param lastRefusal see the record component
     * @param takenAt see the record component
     * @throws NullPointerException if stream or takenAt is null
     */
    public CutoverStatus {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(takenAt, "takenAt");
    }

    /**
     * Returns the last cutover's report.
     *
     * @return the report, or empty if no cutover completed or aborted yet
     */
    public Optional<CutoverResult> lastCutover() {
        return Optional.ofNullable(lastResult);
    }

    /**
     * Returns why the last refused cutover was refused.
     *
     * @return the refusal, or empty
     */
    public Optional<LastError> refusal() {
        return Optional.ofNullable(lastRefusal);
    }

    /**
     * Returns a few lines for logs and consoles: the stream's summary, then the last cutover's
     * {@linkplain CutoverResult#summary() summary} and refusal, if any.
     *
     * @return the text
     */
    public String summary() {
        StringBuilder sb = new StringBuilder(stream.summary()).append(System.lineSeparator());
        if (lastResult == null) {
            sb.append("no cutover ran yet").append(System.lineSeparator());
        } else {
            sb.append(lastResult.summary());
        }
        if (lastRefusal != null) {
            sb.append("last refusal: ").append(lastRefusal).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
