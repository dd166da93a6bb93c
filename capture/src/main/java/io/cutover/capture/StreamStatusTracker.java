package io.cutover.capture;

import io.cutover.CopyStatus;
import io.cutover.LastError;
import io.cutover.ReplicationStream.State;
import io.cutover.StreamStatus;
import java.time.Clock;
import java.util.Objects;

/**
 * Puts a stream's {@link StreamStatus} together from its parts: the state from its
 * {@link StreamLifecycle}, the lag and the changes applied from its {@link ApplyProgress}, the
 * running bulk copy's {@link CopyProgress}, and the last failure the lifecycle recorded, timed as
 * it was recorded and kept across restarts. Thread-safe: the capture thread reports, any thread
 * reads.
 */
final class StreamStatusTracker {

    private static final CopyStatus UNKNOWN_COPY = new CopyStatus(0, CopyStatus.UNKNOWN, 0, CopyStatus.UNKNOWN);

    private final String name;
    private final Clock clock;
    private final StreamLifecycle lifecycle;
    private final ApplyProgress applied;
    private volatile CopyProgress copy; // the bulk copy of the current run, or null
    private volatile LastError lastError;
    private volatile java.util.function.Supplier<java.util.Optional<io.cutover.Recovery>> recovery = java.util.Optional::empty;

    /**
     * Tracks a stream; hears its lifecycle's failures from now on.
     *
     * @param name the stream's name
     * @param clock times failures and snapshots
     * @param lifecycle the stream's lifecycle
     * @param applied what the stream applied
     */
    StreamStatusTracker(String name, Clock clock, StreamLifecycle lifecycle, ApplyProgress applied) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.applied = Objects.requireNonNull(applied, "applied");
        lifecycle.onFailure(this::failed);
    }

    /**
     * A run begins: its bulk copy, if it has one, is {@code progress}.
     *
     * @param progress the copy's progress, or null for a run without a bulk copy
     */
    void runCopies(CopyProgress progress) {
        copy = progress;
    }

    /**
     * Shows the stream's recovery in its status while it is {@code RECOVERING}.
     *
     * @param recovery the recovery under way, or empty
     */
    void recoveryFrom(java.util.function.Supplier<java.util.Optional<io.cutover.Recovery>> recovery) {
        this.recovery = Objects.requireNonNull(recovery, "recovery");
    }

    /** Records an error as the stream's last, timed now. */
    void failed(Throwable error) {
        lastError = LastError.of(error, clock.instant());
    }

    /**
     * Takes the snapshot.
     *
     * @return the status now
     */
    StreamStatus status() {
        State state = lifecycle.state();
        if (state == State.STREAMING && applied.sourceDisconnected()) {
            // The connector lost its source and reconnects on its own (a binlog client does): the
            // stream is not reading, whatever its lifecycle knows.
            state = State.RECOVERING;
        }
        CopyStatus copying = null;
        if (state == State.COPYING) {
            CopyProgress p = copy;
            // Without a bulk copy the connector snapshots on its own: its rows count as applied changes.
            copying = p == null ? UNKNOWN_COPY : p.status();
        }
        StreamStatus.Recovering recovering = null;
        if (state == State.RECOVERING) {
            recovering = recovery.get().map(StreamStatus.Recovering::of).orElse(null);
        }
        return new StreamStatus(name, state, applied.lag(), applied.appliedPosition(), applied.changes().total(), applied.changes().perSecond(),
                copying, lastError, clock.instant(), recovering);
    }
}
