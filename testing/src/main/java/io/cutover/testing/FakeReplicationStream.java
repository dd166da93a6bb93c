package io.cutover.testing;

import io.cutover.CatchUpTimeoutException;
import io.cutover.CopyStatus;
import io.cutover.CutoverException;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.LastError;
import io.cutover.Phase;
import io.cutover.Position;
import io.cutover.ReplicationStream;
import io.cutover.StreamStatus;
import io.cutover.spi.ApplyCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ReplicationStream} with no database behind it, scripted by the test: caught up (the
 * default), lagging, failed, with slow fences or fences that never arrive. It records what it
 * was asked to do. Use it to unit-test code that starts streams or runs cutovers:
 *
 * <pre>{@code
 * FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
 * link.stream().start();
 * link.stream().fenceNeverArrives();
 * assertThatThrownBy(() -> Cutover.builder().switcher(switcher).link(link).build().execute())
 *         .isInstanceOf(CutoverAbortedException.class);
 * assertThat(switcher.current()).isEqualTo(Side.BLUE);   // still on blue, writes resumed
 * }</pre>
 *
 * <p>Its {@link #status()} reports what was scripted: changes applied with {@link #applies(long)}
 * (their rate over the last 10 s on the {@linkplain #useClock clock}), an initial copy with
 * {@link #copying(CopyStatus)}, and the last {@linkplain #fail failure} with its time.
 *
 * <p>Thread-safe.
 */
public final class FakeReplicationStream implements ReplicationStream {
    private final String name;
    private final Journal journal;
    private State state = State.NEW; // guarded by this
    private Lag lag = Lag.NONE; // guarded by this
    private Throwable failure; // guarded by this
    private RuntimeException startFailure; // guarded by this
    private Duration fenceDelay = Duration.ZERO; // guarded by this
    private final java.util.ArrayDeque<Duration> nextFenceDelays = new java.util.ArrayDeque<>(); // guarded by this
    private boolean fenceNeverArrives; // guarded by this
    private ManualClock clock; // guarded by this
    private long applied; // guarded by this
    private final List<Fence> fences = new ArrayList<>(); // guarded by this
    private int starts; // guarded by this
    private long fencesWritten; // guarded by this
    private io.cutover.Recovery recovery; // guarded by this; set while RECOVERING
    private ApplyCounter changes = new ApplyCounter(Clock.systemUTC()); // guarded by this
    private long changesBeforeClock; // guarded by this; counted before useClock replaced the counter
    private CopyStatus copy; // guarded by this; while COPYING
    private LastError lastError; // guarded by this; kept across restarts
    private boolean sourceLost; // guarded by this; the connector reconnects inside itself

    /**
     * Creates a stream in state {@link State#NEW} with its own journal.
     *
     * @param name the stream's name
     * @return the stream
     * @throws NullPointerException if name is null
     */
    public static FakeReplicationStream named(String name) {
        return new FakeReplicationStream(name, new Journal());
    }

    FakeReplicationStream(String name, Journal journal) {
        this.name = Objects.requireNonNull(name, "name");
        this.journal = journal;
    }

    /**
     * Scripts a lag, reported by {@link #lag()} until changed.
     *
     * @param lag the lag to report
     * @return this stream
     */
    public synchronized FakeReplicationStream lagging(Lag lag) {
        this.lag = Objects.requireNonNull(lag, "lag");
        return this;
    }

    /**
     * Scripts no lag and fences that arrive at once (the default).
     *
     * @return this stream
     */
    public synchronized FakeReplicationStream caughtUp() {
        lag = Lag.NONE;
        fenceDelay = Duration.ZERO;
        nextFenceDelays.clear();
        fenceNeverArrives = false;
        return this;
    }

    /**
     * Scripts fences that take this long; with {@link #useClock(ManualClock)} the clock advances
     * by it, and a delay longer than the wait times the fence out.
     *
     * @param delay how long each fence takes
     * @return this stream
     */
    public synchronized FakeReplicationStream fenceTakes(Duration delay) {
        this.fenceDelay = Objects.requireNonNull(delay, "delay");
        return this;
    }

    /**
     * Scripts the next fences' durations, one each in order, as a stream that was behind drains
     * its backlog; later fences take {@link #fenceTakes(Duration)}'s delay (zero by default).
     *
     * @param delays how long each of the next fences takes
     * @return this stream
     */
    public synchronized FakeReplicationStream nextFencesTake(Duration... delays) {
        for (Duration d : delays) {
            nextFenceDelays.add(Objects.requireNonNull(d, "delay"));
        }
        return this;
    }

    /**
     * Scripts fences that never arrive: {@link #awaitFence(Duration)} times out.
     *
     * @return this stream
     */
    public synchronized FakeReplicationStream fenceNeverArrives() {
        this.fenceNeverArrives = true;
        return this;
    }

    /**
     * Advances this clock as fences are waited for, and times {@link #status()}: its snapshot
     * time, failures, and the rate of the changes {@linkplain #applies applied} from now on (the
     * total counted before carries over).
     *
     * @param clock the clock the cutover under test uses
     * @return this stream
     */
    public synchronized FakeReplicationStream useClock(ManualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        // The applied rate is timed by this clock from now on; the total carries over.
        changesBeforeClock += changes.total();
        changes = new ApplyCounter(clock);
        return this;
    }

    /**
     * Scripts changes committed on the target now: they count in {@link #status()}'s applied total
     * and rate (timed by the {@linkplain #useClock clock}, the system clock without one).
     *
     * @param count how many changes; not negative
     * @return this stream
     * @throws IllegalArgumentException if count is negative
     */
    public synchronized FakeReplicationStream applies(long count) {
        changes.add(count);
        return this;
    }

    /**
     * Scripts an initial copy under way: the stream is {@link State#COPYING} and
     * {@link #status()} reports this progress, until {@link #copyDone()}. Call again to move it on.
     *
     * @param progress where the copy stands
     * @return this stream
     * @throws IllegalStateException if the stream is not started (or is closed)
     */
    public synchronized FakeReplicationStream copying(CopyStatus progress) {
        Objects.requireNonNull(progress, "progress");
        if (state != State.STREAMING && state != State.COPYING) {
            throw new IllegalStateException("stream '" + name + "': a copy runs in a started stream; it is " + state
                    + ": call start() first");
        }
        state = State.COPYING;
        copy = progress;
        return this;
    }

    /**
     * Ends a scripted initial copy: a {@link State#COPYING} stream is {@link State#STREAMING}.
     *
     * @return this stream
     */
    public synchronized FakeReplicationStream copyDone() {
        if (state == State.COPYING) {
            state = State.STREAMING;
        }
        copy = null;
        return this;
    }

    /**
     * Moves the stream to {@link State#FAILED} with this error, as a lost source connection would.
     *
     * @param error the failure
     * @return this stream
     */
    public synchronized FakeReplicationStream fail(Throwable error) {
        this.failure = Objects.requireNonNull(error, "error");
        this.state = State.FAILED;
        this.copy = null;
        this.lastError = LastError.of(error, now());
        journal.add("stream " + name + " failed: " + error.getMessage());
        return this;
    }

    /**
     * Moves a streaming stream to {@link State#RECOVERING}, as a real stream does when it loses
     * its source or target to a transient error; {@link #recovery()} then shows it.
     *
     * @param lost what it lost, e.g. {@code "green"}
     * @param error the error
     * @return this stream
     * @throws IllegalStateException if the stream is not streaming
     */
    public synchronized FakeReplicationStream recovering(String lost, Throwable error) {
        if (state != State.STREAMING) {
            throw new IllegalStateException("stream '" + name + "': only a STREAMING stream recovers, was " + state);
        }
        java.time.Instant now = clock != null ? clock.instant() : java.time.Instant.now();
        this.recovery = new io.cutover.Recovery(lost, 0, Objects.requireNonNull(error, "error"), now, now,
                now.plus(Duration.ofMinutes(5)));
        this.state = State.RECOVERING;
        journal.add("stream " + name + " recovering: lost " + lost + " (" + error.getMessage() + ")");
        return this;
    }

    /**
     * Moves a recovering stream back to {@link State#STREAMING}.
     *
     * @return this stream
     * @throws IllegalStateException if the stream is not recovering
     */
    public synchronized FakeReplicationStream recovered() {
        if (state != State.RECOVERING) {
            throw new IllegalStateException("stream '" + name + "': not RECOVERING but " + state);
        }
        this.recovery = null;
        this.state = State.STREAMING;
        journal.add("stream " + name + " recovered");
        return this;
    }

    /**
     * Scripts a connector that lost its source and reconnects inside itself (a binlog client does
     * when its server restarts): {@link #state()} stays {@code STREAMING} while {@link #status()}
     * reads {@code RECOVERING}, until {@code sourceLost(false)}.
     *
     * @param lost whether the source is lost
     * @return this stream
     */
    public synchronized FakeReplicationStream sourceLost(boolean lost) {
        this.sourceLost = lost;
        journal.add("stream " + name + (lost ? " lost its source" : " heard its source again"));
        return this;
    }

    @Override
    public synchronized Optional<io.cutover.Recovery> recovery() {
        return state == State.RECOVERING ? Optional.ofNullable(recovery) : Optional.empty();
    }

    /**
     * Makes the next {@link #start()} throw.
     *
     * @param error what start throws
     * @return this stream
     */
    public synchronized FakeReplicationStream failToStart(RuntimeException error) {
        this.startFailure = Objects.requireNonNull(error, "error");
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        synchronized (this) {
            if (state == State.STREAMING || state == State.COPYING || state == State.CLOSED) {
                throw new IllegalStateException("stream '" + name + "': cannot start: expected NEW, STOPPED or FAILED but was "
                        + state);
            }
            if (startFailure != null) {
                RuntimeException e = startFailure;
                startFailure = null;
                throw e;
            }
            state = State.STREAMING;
            failure = null;
            starts++;
        }
        journal.add("stream " + name + " started");
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (state != State.STREAMING && state != State.COPYING) {
                return;
            }
            state = State.STOPPED;
            copy = null;
        }
        journal.add("stream " + name + " stopped");
    }

    @Override
    public synchronized State state() {
        return state;
    }

    @Override
    public synchronized Lag lag() {
        return lag;
    }

    @Override
    public synchronized Position appliedPosition() {
        return applied == 0 ? Position.NONE : new Position("fake " + applied);
    }

    @Override
    public Fence awaitFence(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Fence fence;
        synchronized (this) {
            if (state != State.STREAMING) {
                throw new CutoverException(Phase.CATCH_UP, "stream '" + name + "' is " + state + "; a fence needs it STREAMING");
            }
            long id = ++fencesWritten; // a timed-out fence was still written on the source
            Duration delay = nextFenceDelays.isEmpty() ? fenceDelay : nextFenceDelays.poll();
            if (fenceNeverArrives || delay.compareTo(timeout) > 0) {
                if (clock != null) {
                    clock.advance(timeout);
                }
                journal.add("stream " + name + " fence " + id + " timed out");
                throw new CatchUpTimeoutException("stream '" + name + "': fence " + id + " not applied within "
                        + timeout.toMillis() + " ms (lag " + lag + ")");
            }
            if (clock != null) {
                clock.advance(delay);
            }
            applied++;
            fence = new Fence(id, new Position("fake " + applied), delay);
            fences.add(fence);
        }
        journal.add("stream " + name + " fence " + fence.id() + " applied");
        return fence;
    }

    @Override
    public synchronized Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Returns what was scripted: state, lag, the changes of {@link #applies(long)} and their rate,
     * the copy of {@link #copying(CopyStatus)} while copying, the last failure (kept after a
     * restart) and the recovery while recovering, taken at the {@linkplain #useClock clock}'s time.
     *
     * @return the snapshot
     */
    @Override
    public synchronized StreamStatus status() {
        State shown = state == State.STREAMING && sourceLost ? State.RECOVERING : state;
        return new StreamStatus(name, shown, lag, appliedPosition(), changesBeforeClock + changes.total(), changes.perSecond(),
                state == State.COPYING ? copy : null, lastError, now(),
                state == State.RECOVERING && recovery != null ? StreamStatus.Recovering.of(recovery) : null);
    }

    private java.time.Instant now() { // called under this
        return clock != null ? clock.instant() : java.time.Instant.now();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            copy = null;
        }
        journal.add("stream " + name + " closed");
    }

    /**
     * Returns the fences applied so far.
     *
     * @return an immutable copy, oldest first
     */
    public synchronized List<Fence> fences() {
        return List.copyOf(fences);
    }

    /**
     * Returns how many times the stream was started.
     *
     * @return the count
     */
    public synchronized int starts() {
        return starts;
    }

    @Override
    public String toString() {
        return "FakeReplicationStream[" + name + ", " + state() + "]";
    }
}
