package io.cutover.capture;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.ReplicationStream.State;
import io.cutover.spi.CaptureSession;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a stream's lifecycle: it alone decides its moves (made by {@link
 * StreamStates}, along its legal moves), records the stream's failure (the first one of a run
 * wins), hands transient ones to the {@link Recoverer}, wakes fence waiters once no fence can
 * arrive, and calls the dialect's {@link CaptureSession}. The stream's API asks it to {@linkplain
 * #start start}, {@linkplain #stop stop} and {@linkplain #close close}; the copy and the engine of
 * a run report what happened ({@link #copyStarted}, {@link #engineFailed}, ...).
 *
 * <p>A failure in {@code STARTING} (the caller's own {@code start()}) fails the stream, so that
 * the caller hears of it at once, unless the recoverer {@linkplain Recoverer#retriesStart()
 * retries starts} and the failure is transient: the stream then recovers as a running one does. A
 * failure reported once the stream is stopped, closed or not started is ignored. Every move is
 * told to the {@code moved} observer, outside any lock. Thread-safe and lock-free; the session is
 * called outside any lock.
 */
final class StreamLifecycle {

    // Logged under the stream's name, as before the stream was split.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    /** The legal moves, from each state; CLOSED has none. */
    static final Map<State, Set<State>> LEGAL = StreamStates.LEGAL;

    private static final Set<State> FAILABLE = StreamStates.FAILABLE;

    private final String name;
    private final CaptureSession session;
    private final Runnable wakeFenceWaiters;
    private final Recoverer recoverer;
    private final StreamStates states;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile java.util.function.Consumer<Throwable> failureSeen = error -> { };

    /**
     * Creates the lifecycle of a {@code NEW} stream.
     *
     * @param name the stream's name, for messages
     * @param session the dialect's session, called on start, stall and close
     * @param wakeFenceWaiters wakes every thread waiting for a fence to look at the state again
     */
    StreamLifecycle(String name, CaptureSession session, Runnable wakeFenceWaiters) {
        this(name, session, wakeFenceWaiters, Recoverer.NEVER, (from, to) -> { });
    }

    /**
     * Creates the lifecycle of a {@code NEW} stream that recovers from failures.
     *
     * @param name the stream's name, for messages
     * @param session the dialect's session, called on start, stall and close
     * @param wakeFenceWaiters wakes every thread waiting for a fence to look at the state again
     * @param recoverer decides which failures of a running stream are retried, and retries them
     * @param moved told of every move, after it, outside any lock; must not throw
     */
    StreamLifecycle(String name, CaptureSession session, Runnable wakeFenceWaiters, Recoverer recoverer,
            java.util.function.BiConsumer<State, State> moved) {
        this.name = Objects.requireNonNull(name, "name");
        this.session = Objects.requireNonNull(session, "session");
        this.wakeFenceWaiters = Objects.requireNonNull(wakeFenceWaiters, "wakeFenceWaiters");
        this.recoverer = Objects.requireNonNull(recoverer, "recoverer");
        this.states = new StreamStates(name, moved);
    }

    /** @return the state now */
    State state() {
        return states.get();
    }

    /**
     * Returns the failure of the last run, kept until the next start.
     *
     * @return the first failure reported since the last start, or empty
     */
    Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * Tells {@code listener} of every failure this lifecycle records (the first of each run, and
     * each transient one a recovering stream retries), on the thread that reports it; for the
     * stream's status. One listener; a later call replaces it.
     *
     * @param listener called with the failure; must not throw nor block
     */
    void onFailure(java.util.function.Consumer<Throwable> listener) {
        this.failureSeen = Objects.requireNonNull(listener, "listener");
    }

    // ---- what the stream's API asks

    /**
     * Moves a {@code NEW}, {@code STOPPED} or {@code FAILED} stream to {@code STARTING}, forgets
     * the last failure and runs the session's {@link CaptureSession#beforeStart()}; a failing
     * session fails the stream, unless its failure is one a start is retried for (then the stream
     * is {@code RECOVERING} and this returns null).
     *
     * @return the connector settings of this start, or null if the stream recovers instead
     * @throws IllegalStateException if the stream is in another state, naming it
     * @throws RuntimeException what the session threw
     */
    Map<String, String> start() {
        State from = states.get();
        if (from != State.NEW && from != State.STOPPED && from != State.FAILED) {
            throw new IllegalStateException("stream '" + name + "' cannot start: expected NEW, STOPPED or FAILED, was " + from);
        }
        if (!move(from, State.STARTING)) {
            throw new IllegalStateException("stream '" + name + "' cannot start: expected " + from
                    + " but it changed concurrently, now " + states.get());
        }
        failure.set(null);
        try {
            return beforeStart();
        } catch (RuntimeException e) {
            if (startFailed(e)) {
                return null; // transient: the stream recovers, its recovery runs beforeStart() again
            }
            throw e;
        }
    }

    /**
     * Runs the session's {@link CaptureSession#beforeStart()} again for a new run of a
     * {@code RECOVERING} stream; the state stays as it is.
     *
     * @return the connector settings of the new run
     * @throws IllegalStateException if the stream is no longer recovering, or the session returns nothing
     * @throws RuntimeException what the session threw
     */
    Map<String, String> resume() {
        State s = states.get();
        if (s != State.RECOVERING) {
            throw new IllegalStateException("stream '" + name + "' cannot resume: expected RECOVERING, was " + s);
        }
        return beforeStart();
    }

    private Map<String, String> beforeStart() {
        Map<String, String> connector = session.beforeStart();
        if (connector == null) {
            throw new IllegalStateException("stream '" + name + "': " + session + " returned no connector settings from beforeStart()");
        }
        return connector;
    }

    /**
     * A new run of a {@code RECOVERING} stream polls: the stream is {@code STREAMING} again.
     *
     * @return whether this call moved it (false if it copies again, or was stopped or closed meanwhile)
     */
    boolean recovered() {
        return move(State.RECOVERING, State.STREAMING);
    }

    /**
     * The recovery gave up (its budget spent, or an error retrying cannot fix): the stream fails
     * with {@code error}, unless stopped or closed meanwhile.
     *
     * @param error the stream's failure, its message saying why and what to check
     */
    void recoveryFailed(Throwable error) {
        if (failNow(error)) {
            LOG.error(error.getMessage(), error.getCause() != null ? error.getCause() : error);
        }
    }

    /** The run started: a {@code STARTING} stream is {@code STREAMING} (one that copies stays {@code COPYING}). */
    void started() {
        move(State.STARTING, State.STREAMING);
    }

    /**
     * {@code start()} gives up: the stream fails with {@code error} unless it was stopped or
     * closed meanwhile, or the error is transient and the recoverer retries starts: the stream is
     * then {@code RECOVERING}, and {@code start()} returns without throwing.
     *
     * @param error what {@code start()} throws
     * @return whether the stream recovers instead of failing
     */
    boolean startFailed(Throwable error) {
        if (fail(error)) {
            LOG.debug("stream '{}': start failed: {}", name, error.getMessage());
            return false;
        }
        return states.get() == State.RECOVERING && failure.get() == null;
    }

    /**
     * The source has been silent past the stall bound while the stream streams: a {@code
     * STREAMING} stream recovers (its run is replaced) with {@code error}; in any other state
     * nothing happens.
     *
     * @param error why, its message naming the stream, the silence and the bound
     * @return whether the stream moved to {@code RECOVERING}
     */
    boolean sourceSilent(Throwable error) {
        if (states.get() != State.STREAMING || !recoverer.accepts(error)) {
            return false;
        }
        fail(error);
        return states.get() == State.RECOVERING;
    }

    /**
     * Moves a starting, copying, streaming or failed stream to {@code STOPPED} and then runs
     * {@code stopRun}; a stream not started, stopped already or closed stays as it is.
     *
     * @param stopRun ends the run (its engine and copy); runs only if this call stopped the stream
     * @return whether this call stopped the stream
     */
    boolean stop(Runnable stopRun) {
        while (true) {
            State s = states.get();
            if (s == State.NEW || s == State.STOPPED || s == State.CLOSED) {
                return false;
            }
            if (move(s, State.STOPPED)) {
                stopRun.run();
                return true;
            }
        }
    }

    /**
     * Closes the stream for good: moves it to {@code CLOSED}, runs {@code release} (the host's
     * clean-up), then the session's {@link CaptureSession#afterClose()}, then wakes fence
     * waiters. Idempotent: only the first call does anything.
     *
     * @param release ends the run and releases the host's resources
     * @return whether this call closed the stream
     */
    boolean close(Runnable release) {
        State s;
        do {
            s = states.get();
            if (s == State.CLOSED) {
                return false;
            }
        } while (!move(s, State.CLOSED));
        try {
            release.run();
            try {
                session.afterClose();
            } catch (RuntimeException e) {
                LOG.warn("stream '{}': cleanup failed: {}", name, e.getMessage(), e);
            }
        } finally {
            wakeFenceWaiters.run();
        }
        return true;
    }

    // ---- what the run reports

    /**
     * The bulk initial copy begins: a {@code STARTING} (or {@code RECOVERING}) stream is {@code COPYING}.
     *
     * @return false if the stream is no longer starting or recovering (stopped or closed meanwhile): do not copy
     */
    boolean copyStarted() {
        return move(State.STARTING, State.COPYING) || move(State.RECOVERING, State.COPYING);
    }

    /** The copy (bulk or the connector's own snapshot) is done: a {@code COPYING} stream is {@code STREAMING}, said once. */
    void copyDone() {
        if (move(State.COPYING, State.STREAMING)) {
            LOG.info("stream '{}': initial copy done, streaming", name);
        }
    }

    /** The connector began a snapshot of its own: a {@code STREAMING} stream is {@code COPYING}. */
    void snapshotStarted() {
        move(State.STREAMING, State.COPYING);
    }

    /**
     * The bulk initial copy failed: the stream fails, unless stopped or closed meanwhile.
     *
     * @param failed the stream's failure, its message naming the stream and the fix
     */
    void copyFailed(CutoverException failed) {
        if (fail(failed)) {
            LOG.error(failed.getMessage(), failed.getCause());
        }
    }

    /**
     * The engine ended unsuccessfully: the stream fails, unless stopped or closed meanwhile.
     *
     * @param message the engine's message
     * @param error the engine's error, or null
     */
    void engineFailed(String message, Throwable error) {
        Throwable t = error != null ? error : new CutoverException(Phase.CATCH_UP, message);
        if (fail(t)) {
            LOG.error("stream '{}' failed: {}", name, message, error);
        }
    }

    /**
     * The engine could not be built (a bad setting): the stream fails, unless stopped or closed meanwhile.
     *
     * @param e what the build threw
     */
    void buildFailed(RuntimeException e) {
        if (fail(e)) {
            LOG.error("stream '{}': cannot create its engine: {}", name, e.getMessage(), e);
        }
    }

    /** The engine did not stop when asked: the session ends its capture connection. */
    void engineStalled() {
        try {
            session.endStalledCapture();
        } catch (RuntimeException e) {
            LOG.warn("stream '{}': ending the capture connection failed: {}", name, e.getMessage());
        }
    }

    // ---- the moves

    /**
     * Records {@code error} as the run's failure if it is the first, and moves a running stream to
     * {@code FAILED}, waking fence waiters: no fence can arrive any more.
     *
     * @return whether {@code error} is the failure recorded
     */
    private boolean fail(Throwable error) {
        Objects.requireNonNull(error, "error");
        while (true) {
            State s = states.get();
            if (!FAILABLE.contains(s)) {
                LOG.debug("stream '{}' is {}: ignoring a failure after it: {}", name, s, error.toString());
                return false;
            }
            boolean running = s == State.STREAMING || s == State.COPYING || s == State.RECOVERING
                    || (s == State.STARTING && recoverer.retriesStart());
            if (running && recoverer.accepts(error)) {
                if (s == State.RECOVERING) {
                    recoverer.failedAgain(error);
                    failureSeen.accept(error); // the status's last error, while the stream retries
                    return false;
                }
                recoverer.lost(error); // before the move: whoever hears of RECOVERING can read the recovery
                if (move(s, State.RECOVERING)) {
                    failureSeen.accept(error);
                    recoverer.begin();
                    return false;
                }
                continue;
            }
            return failNow(error);
        }
    }

    /** {@link #fail} without asking the recoverer. */
    private boolean failNow(Throwable error) {
        Objects.requireNonNull(error, "error");
        while (true) {
            State s = states.get();
            if (!FAILABLE.contains(s)) {
                LOG.debug("stream '{}' is {}: ignoring a failure after it: {}", name, s, error.toString());
                return false;
            }
            boolean first = failure.compareAndSet(null, error);
            if (s == State.FAILED || move(s, State.FAILED)) {
                if (first) {
                    failureSeen.accept(error);
                }
                wakeFenceWaiters.run();
                return first;
            }
            if (first) {
                failure.compareAndSet(error, null); // the state moved meanwhile (a stop, say): look again
            }
        }
    }

    private boolean move(State from, State to) {
        return states.move(from, to);
    }

    @Override
    public String toString() {
        return "stream '" + name + "' (" + states.get() + ")";
    }
}
