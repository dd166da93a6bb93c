package io.cutover.capture;

import io.cutover.ReplicationStream.State;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's state and the rules it moves by: the legal moves from each state, and the states a
 * failure may move. {@link StreamLifecycle} decides when to move; this class moves, each move by
 * compare-and-set and only along {@link #LEGAL}, logs it and tells the observer. Thread-safe and
 * lock-free.
 *
 * <p>Moves:
 * <pre>
 * NEW, STOPPED, FAILED  -> STARTING                       start()
 * STARTING              -> COPYING                        copyStarted (bulk copy)
 * STREAMING             -> COPYING                        snapshotStarted (the connector's own)
 * STARTING, COPYING     -> STREAMING                      started, copyDone
 * COPYING, STREAMING    -> RECOVERING                     a failure the recoverer takes (transient), or a silent source
 * STARTING              -> RECOVERING                     a transient failure of a start the recoverer retries
 * RECOVERING            -> STREAMING                      recovered (a new run polls)
 * RECOVERING            -> COPYING                        copyStarted (a new run redoes its copy)
 * STARTING, COPYING, STREAMING, RECOVERING, FAILED -> STOPPED   stop()
 * STARTING, COPYING, STREAMING, RECOVERING -> FAILED      a failure; in FAILED the first is kept
 * any but CLOSED        -> CLOSED                         close(); terminal
 * </pre>
 */
final class StreamStates {

    /** The legal moves, from each state; CLOSED has none. */
    static final Map<State, Set<State>> LEGAL = legal();

    /** The states a failure is recorded in (and, but FAILED itself, moved from). */
    static final Set<State> FAILABLE = Collections.unmodifiableSet(EnumSet.of(State.STARTING, State.COPYING,
            State.STREAMING, State.RECOVERING, State.FAILED));

    // Logged under the stream's name, as the rest of the stream.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    private final String name;
    private final BiConsumer<State, State> moved;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    /**
     * The states of a {@code NEW} stream.
     *
     * @param name the stream's name, for messages
     * @param moved told of every move, after it, outside any lock; must not throw
     */
    StreamStates(String name, BiConsumer<State, State> moved) {
        this.name = Objects.requireNonNull(name, "name");
        this.moved = Objects.requireNonNull(moved, "moved");
    }

    /**
     * Returns the state now.
     *
     * @return the state
     */
    State get() {
        return state.get();
    }

    /**
     * Moves {@code from} to {@code to} if the stream is in {@code from}.
     *
     * @param from the state expected
     * @param to the state to move to
     * @return whether it moved
     * @throws IllegalStateException if the move is not a legal one (a bug in the caller)
     */
    boolean move(State from, State to) {
        if (!LEGAL.get(from).contains(to)) {
            throw new IllegalStateException("stream '" + name + "': illegal move " + from + " -> " + to
                    + "; from " + from + " the stream may move to " + LEGAL.get(from) + " (actual state " + state.get() + ")");
        }
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        LOG.debug("stream '{}': {} -> {}", name, from, to);
        moved.accept(from, to);
        return true;
    }

    private static Map<State, Set<State>> legal() {
        Map<State, Set<State>> m = new EnumMap<>(State.class);
        m.put(State.NEW, EnumSet.of(State.STARTING, State.CLOSED));
        m.put(State.STARTING, EnumSet.of(State.COPYING, State.STREAMING, State.RECOVERING, State.STOPPED, State.FAILED,
                State.CLOSED));
        m.put(State.COPYING, EnumSet.of(State.STREAMING, State.RECOVERING, State.STOPPED, State.FAILED, State.CLOSED));
        m.put(State.STREAMING, EnumSet.of(State.COPYING, State.RECOVERING, State.STOPPED, State.FAILED, State.CLOSED));
        m.put(State.RECOVERING, EnumSet.of(State.STREAMING, State.COPYING, State.STOPPED, State.FAILED, State.CLOSED));
        m.put(State.STOPPED, EnumSet.of(State.STARTING, State.CLOSED));
        m.put(State.FAILED, EnumSet.of(State.STARTING, State.STOPPED, State.CLOSED));
        m.put(State.CLOSED, EnumSet.noneOf(State.class));
        return Collections.unmodifiableMap(m);
    }
}
