package io.cutover.capture;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.ReplicationStream.State;
import io.cutover.spi.CaptureSession;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a stream's state: it alone moves the state, each move by compare-and-set and
 * only along {@link #LEGAL}; it records the stream's failure (the first one of a run wins), wakes
 * fence waiters once no fence can arrive, logs each move, and calls the dialect's
 * {@link CaptureSession}. The stream's API asks it to {@linkplain #start start}, {@linkplain #stop
 * stop} and {@linkplain #close close}; the copy and the engine of a run report what happened
 * ({@link #copyStarted}, {@link #copyDone}, {@link #engineFailed}, ...) and never write the state.
 *
 * <p>Moves:
 * <pre>
 * NEW, STOPPED, FAILED  -> STARTING                       start()
 * STARTING              -> COPYING                        copyStarted (bulk copy)
 * STREAMING             -> COPYING                        snapshotStarted (the connector's own)
 * STARTING, COPYING     -> STREAMING                      started, copyDone
 * STARTING, COPYING, STREAMING, FAILED -> STOPPED         stop()
 * STARTING, COPYING, STREAMING -> FAILED                  a failure; in FAILED the first is kept
 * any but CLOSED        -> CLOSED                         close(); terminal
 * </pre>
 * A failure reported once the stream is stopped, closed or not started is a consequence of the
 * stop and is ignored. Thread-safe and lock-free; the session is called outside any lock.
 */
final class StreamLifecycle {

    // Logged under the stream's name, as before the stream was split.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    /** The legal moves, from each state; CLOSED has none. */
    static final Map<State, Set<State>> LEGAL = legal();

    private static final Set<State> FAILABLE = EnumSet.of(State.STARTING, State.COPYING, State.STREAMING, State.FAILED);

    private final String name;
    private final CaptureSession session;
    private final Runnable wakeFenceWaiters;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
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
        this.name = Objects.requireNonNull(name, "name");
        this.session = Objects.requireNonNull(session, "session");
        this.wakeFenceWaiters = Objects.requireNonNull(wakeFenceWaiters, "wakeFenceWaiters");
    }

    private static Map<State, Set<State>> legal() {
        Map<State, Set<State>> m = new EnumMap<>(State.class);
        m.put(State.NEW, EnumSet.of(State.STARTING, State.CLOSED));
        m.put(State.STARTING, EnumSet.of(State.COPYING, State.STREAMING, State.STOPPED, State.FAILED, State.CLOSED));
        m.put(State.COPYING, EnumSet.of(State.STREAMING, State.STOPPED, State.FAILED, State.CLOSED));
        m.put(State.STREAMING, EnumSet.of(State.COPYING, State.STOPPED, State.FAILED, State.CLOSED));
        m.put(State.STOPPED, EnumSet.of(State.STARTING, State.CLOSED));
        m.put(State.FAILED, EnumSet.of(State.STARTING, State.STOPPED, State.CLOSED));
        m.put(State.CLOSED, EnumSet.noneOf(State.class));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Returns the state now.
     *
     * @return the state
     */
    State state() {
        return state.get();
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
     * Tells {@code listener} of every failure this lifecycle records (the first of each run), on
     * the thread that reports it, as it is recorded; for the stream's status. One listener; a later
     * call replaces it.
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
     * session fails the stream.
     *
     * @return the connector settings of this start
     * @throws IllegalStateException if the stream is in another state, naming it
     * @throws RuntimeException what the session threw
     */
    Map<String, String> start() {
        State from = state.get();
        if (from != State.NEW && from != State.STOPPED && from != State.FAILED) {
            throw new IllegalStateException("stream '" + name + "' cannot start: expected NEW, STOPPED or FAILED, was " + from);
        }
        if (!move(from, State.STARTING)) {
            throw new IllegalStateException("stream '" + name + "' cannot start: expected " + from
                    + " but it changed concurrently, now " + state.get());
        }
        failure.set(null);
        Map<String, String> connector;
        try {
            connector = session.beforeStart();
        } catch (RuntimeException e) {
            startFailed(e);
            throw e;
        }
        if (connector == null) {
            IllegalStateException e = new IllegalStateException("stream '" + name + "': " + session
                    + " returned no connector settings from beforeStart()");
            startFailed(e);
            throw e;
        }
        return connector;
    }

    /** The run started: a {@code STARTING} stream is {@code STREAMING} (one that copies stays {@code COPYING}). */
    void started() {
        move(State.STARTING, State.STREAMING);
    }

    /**
     * {@code start()} gives up: the stream fails with {@code error} unless it was stopped or
     * closed meanwhile.
     *
     * @param error what {@code start()} throws
     */
    void startFailed(Throwable error) {
        if (fail(error)) {
            LOG.debug("stream '{}': start failed: {}", name, error.getMessage());
        }
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
            State s = state.get();
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
            s = state.get();
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
     * The bulk initial copy begins: a {@code STARTING} stream is {@code COPYING}.
     *
     * @return false if the stream is no longer starting (stopped or closed meanwhile): do not copy
     */
    boolean copyStarted() {
        return move(State.STARTING, State.COPYING);
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
            State s = state.get();
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

    /**
     * Moves {@code from} to {@code to} if the stream is in {@code from}.
     *
     * @return whether it moved
     * @throws IllegalStateException if the move is not a legal one (a bug in the caller)
     */
    private boolean move(State from, State to) {
        if (!LEGAL.get(from).contains(to)) {
            throw new IllegalStateException("stream '" + name + "': illegal move " + from + " -> " + to
                    + "; from " + from + " the stream may move to " + LEGAL.get(from) + " (actual state " + state.get() + ")");
        }
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        LOG.debug("stream '{}': {} -> {}", name, from, to);
        return true;
    }

    @Override
    public String toString() {
        return "stream '" + name + "' (" + state.get() + ")";
    }
}
