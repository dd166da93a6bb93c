package io.cutover;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CutoverListener} that keeps the last cutover's report, so that a status page, a health
 * check or an admin endpoint can show it next to the stream's status without any framework:
 *
 * <pre>{@code
 * CutoverRecorder recorder = new CutoverRecorder();
 * Cutover cutover = Cutover.builder().name("orders").switcher(switcher).link(link)
 *         .listener(recorder).build();
 * // later, from any thread, e.g. an admin endpoint:
 * ReplicationStream live = cutover.reverseLink().map(ReplicationLink::stream).orElse(link.stream());
 * CutoverStatus status = recorder.status(live);
 * log.info(status.summary());
 * }</pre>
 *
 * <p>Give the same recorder to a rollback's {@code Cutover} to keep one history. It keeps only the
 * last report (flipped, rehearsed or aborted) and the last refusal. Thread-safe.
 */
public final class CutoverRecorder implements CutoverListener {

    private final Clock clock;
    private volatile CutoverResult lastResult;
    private volatile LastError lastRefusal;

    /** Creates a recorder timed by the system UTC clock. */
    public CutoverRecorder() {
        this(Clock.systemUTC());
    }

    /**
     * Creates a recorder.
     *
     * @param clock times refusals and status snapshots
     * @throws NullPointerException if clock is null
     */
    public CutoverRecorder(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void completed(CutoverResult result) {
        lastResult = Objects.requireNonNull(result, "result");
    }

    @Override
    public void aborted(String cutover, CutoverException failure) {
        if (failure instanceof CutoverAbortedException aborted && aborted.result() != null) {
            lastResult = aborted.result();
        }
    }

    @Override
    public void refused(String cutover, CutoverException failure) {
        lastRefusal = LastError.of(failure, clock.instant());
    }

    /**
     * Returns the last report heard.
     *
     * @return the report of the last cutover that flipped, rehearsed or aborted, or empty
     */
    public Optional<CutoverResult> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    /**
     * Returns the last refusal heard.
     *
     * @return why the last refused cutover was refused, or empty
     */
    public Optional<LastError> lastRefusal() {
        return Optional.ofNullable(lastRefusal);
    }

    /**
     * Takes a status: the stream's now, with the last report and refusal.
     *
     * @param stream the stream to show: before a flip the forward link's, after it the reverse
     *     link's ({@link Cutover#reverseLink()})
     * @return the status
     * @throws NullPointerException if stream is null
     */
    public CutoverStatus status(ReplicationStream stream) {
        Objects.requireNonNull(stream, "stream");
        return new CutoverStatus(stream.status(), lastResult, lastRefusal, clock.instant());
    }

    @Override
    public String toString() {
        CutoverResult r = lastResult;
        return "CutoverRecorder[" + (r == null ? "no cutover yet" : r.name() + " " + r.outcome()) + "]";
    }
}
