package io.cutover;

import java.time.Duration;
import java.util.Optional;

/**
 * A one-way stream of changes from a source database to a target database: an initial copy
 * (or none, when the target is pre-seeded), then continuous change capture, applied on the
 * target in source-commit order, idempotently (upsert and delete by primary key), through
 * a per-table {@link RowTransform}.
 *
 * <p>Dialect modules build streams ({@code PostgresCutover}, {@code MySqlCutover}); tests use
 * {@link io.cutover.testing.FakeReplicationStream}. Thread-safe.
 */
public interface ReplicationStream extends AutoCloseable {

    /**
     * Where a stream is in its life. Moves forward only, except STREAMING to STOPPED and back to
     * STARTING, and STREAMING (or COPYING) to RECOVERING and back.
     */
    enum State {
        /** Built, not started. */
        NEW,
        /** Connecting to the source and target. */
        STARTING,
        /** Copying the tables' existing rows. */
        COPYING,
        /** Applying changes as they are committed on the source. */
        STREAMING,
        /**
         * Lost its source or target to a transient error (connection lost, server restarting,
         * failover) and retrying, with backoff, from the offsets stored on the target; back to
         * STREAMING (or COPYING) by itself, or FAILED once its recovery budget is spent. See
         * {@link #recovery()}. A cutover does not start while a stream is recovering.
         */
        RECOVERING,
        /** Stopped by {@link #stop()}; its position is kept and {@link #start()} resumes. */
        STOPPED,
        /** Stopped by an error; see {@link #failure()}. */
        FAILED,
        /** Closed; server-side resources (slots, publications) released. */
        CLOSED
    }

    /**
     * Returns the stream's name, unique among the streams of one application.
     *
     * @return the name
     */
    String name();

    /**
     * Starts (or resumes) capture and apply in the background. Returns once started; the copy
     * and streaming run on the stream's own threads.
     *
     * @throws IllegalStateException if the stream is running or closed
     * @throws PreflightException if the source or target cannot serve the stream
     */
    void start();

    /**
     * Stops capture and apply, keeping the applied position so that {@link #start()} resumes
     * from it. Does nothing if not running.
     */
    void stop();

    /**
     * Returns the state now.
     *
     * @return the state
     */
    State state();

    /**
     * Returns the lag now.
     *
     * @return events not yet applied and the age of the oldest of them
     */
    Lag lag();

    /**
     * Returns the last source position whose changes are committed on the target.
     *
     * @return the position, {@link Position#NONE} before anything was applied
     */
    Position appliedPosition();

    /**
     * Writes a fence on the source and waits until the target has committed it: every change
     * the source committed before this call is then on the target.
     *
     * @param timeout how long to wait; positive
     * @return the fence
     * @throws CatchUpTimeoutException if the fence is not applied in time
     * @throws CutoverException if the stream is not streaming or writing the fence fails
     */
    Fence awaitFence(Duration timeout);

    /**
     * Returns the recovery under way: attempts, the last error, when the next attempt is due and
     * when the stream gives up. Present only while the stream is {@link State#RECOVERING}.
     *
     * @return the recovery, or empty when the stream is not recovering
     */
    default Optional<Recovery> recovery() {
        return Optional.empty();
    }

    /**
     * Adds a listener told of every change of the stream's state, including the ones the stream
     * makes by itself (recovering, recovered, failed). Called on the thread that made the change,
     * outside any lock; an exception it throws is logged and ignored.
     *
     * @param listener the listener
     * @throws NullPointerException if null
     * @throws UnsupportedOperationException if this stream cannot report its changes
     */
    default void addListener(StateListener listener) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not report state changes");
    }

    /** Hears a stream's state changes; see {@link #addListener}. */
    @FunctionalInterface
    interface StateListener {

        /**
         * The stream moved from {@code from} to {@code to}.
         *
         * @param stream the stream
         * @param from the state before
         * @param to the state now
         */
        void stateChanged(ReplicationStream stream, State from, State to);
    }

    /**
     * Returns the error that stopped the stream, if it failed.
     *
     * @return the failure, or empty
     */
    Optional<Throwable> failure();

    /**
     * Returns a snapshot of the stream for operators: state, lag, changes applied and their rate,
     * the initial copy's progress, the last error and, while recovering, the recovery. The default builds what it can from the
     * other methods: no applied counts ({@link StreamStatus#UNKNOWN}, rate {@code NaN}), no copy
     * progress, and the current {@link #failure()} timed at the moment of the call. Implementations
     * that count should override it. Never throws for a closed stream.
     *
     * @return the snapshot
     */
    default StreamStatus status() {
        java.time.Instant now = java.time.Instant.now();
        return new StreamStatus(name(), state(), lag(), appliedPosition(), StreamStatus.UNKNOWN, Double.NaN, null,
                failure().map(f -> LastError.of(f, now)).orElse(null), now,
                recovery().map(StreamStatus.Recovering::of).orElse(null));
    }

    /**
     * Stops the stream and releases everything it holds on the servers (replication slots,
     * publications, control rows) and in the process (threads, connections). Idempotent.
     */
    @Override
    void close();
}
