package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import io.cutover.CatchUpTimeoutException;
import io.cutover.Lag;
import io.cutover.Position;
import io.cutover.ReplicationStream.State;
import io.cutover.spi.ApplyCounter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a stream has applied on its target, as its apply thread reports it: the lag, the applied
 * position and the last fence applied, with the waits for a fence; it reports the connector's own
 * snapshot to the stream's lifecycle, which moves the stream between {@code COPYING} and
 * {@code STREAMING}. Thread-safe:
 * the apply thread reports, any thread reads and waits; {@link #lock} guards only the fence
 * condition, the rest is atomic or volatile.
 */
final class ApplyProgress implements BatchHandler.Progress {

    private static final long RECENT_ARRIVAL_MILLIS = 250;

    private final CaptureSpec config;
    private final StreamLifecycle lifecycle;
    private final AtomicLong pending = new AtomicLong();
    private final ApplyCounter changes;
    private final AtomicLong lastFenceWritten = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition fenceApplied = lock.newCondition(); // signalled under lock
    private volatile long oldestPendingMillis;
    // How old the newest change of the last batch was when it arrived, and when that was: while
    // batches keep coming, this shows a backlog still inside the connector or the server.
    private volatile long lastArrivalDelayMillis;
    private volatile long lastArrivalMillis;
    // When the last batch committed: a batch applied slowly (a busy target, a loaded machine) keeps
    // the arrival delay current until the next batch arrives, so lag does not read 0 in between.
    private volatile long lastCommitMillis;
    private volatile long appliedFence; // set by start before a run; raised under lock by the apply thread
    private volatile Position appliedPosition = Position.NONE;
    // When the source was last heard from (any record, heartbeats included), and how long a
    // reading stream may stay silent before the silence counts as lag.
    private volatile long lastHeardMillis;
    private volatile long silenceLimitMillis = 10_000;
    // Set when the stream loses its source or target, cleared by the first batch after: until then
    // a resumed run has not shown what it missed, and the silence still counts.
    private volatile boolean awaitingSource;
    // Whether the connector says it is connected: a binlog client reconnects inside the connector
    // when its server restarts, and this is the only sign of it the stream gets before its silence limit.
    private volatile SourceConnection source = SourceConnection.UNKNOWN;
    // Whether this run saw its connector connected (sampled as batches arrive, until it is): before,
    // the connector's metrics read "not connected" too, and a binlog connector may deliver a batch
    // before its binlog client connects.
    private volatile boolean seenConnected;

    /**
     * Creates the progress of a stream.
     *
     * @param config the stream's configuration
     * @param lifecycle the stream's lifecycle: read by fence waiters, told of the connector's snapshot
     */
    ApplyProgress(CaptureSpec config, StreamLifecycle lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.changes = new ApplyCounter(config.clock());
    }

    @Override
    public void received(int events, long oldestSourceMillis, long newestSourceMillis) {
        long now = config.clock().millis();
        lastHeardMillis = now;
        if (!seenConnected && source.saysConnected()) {
            seenConnected = true;
        }
        awaitingSource = false;
        pending.addAndGet(events);
        oldestPendingMillis = oldestSourceMillis > 0 ? oldestSourceMillis : now;
        if (newestSourceMillis > 0) {
            lastArrivalDelayMillis = Math.max(0, now - newestSourceMillis);
            lastArrivalMillis = now;
        }
    }

    @Override
    public void committed(int events, Map<String, ?> lastOffset, long fenceId) {
        appliedPosition = config.dialect().position(lastOffset);
        lastCommitMillis = config.clock().millis();
        pending.addAndGet(-events);
        oldestPendingMillis = 0;
        if (fenceId > appliedFence) {
            lock.lock();
            try {
                appliedFence = fenceId;
                fenceApplied.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void appliedChanges(int count) {
        changes.add(count);
    }

    /** Returns the row changes committed on the target since the stream was created, and their recent rate. */
    ApplyCounter changes() {
        return changes;
    }

    @Override
    public void copying(boolean copying) {
        if (copying) {
            lifecycle.snapshotStarted();
        } else {
            lifecycle.copyDone();
        }
    }

    /**
     * A run began reading the source: it counts as heard from now.
     *
     * @param heartbeatMillis the connector's heartbeat interval; silence past twice it counts as lag
     * @param source whether the connector is connected to its source; while it is not, the silence counts as lag
     */
    void reading(long heartbeatMillis, SourceConnection source) {
        if (lastHeardMillis == 0) {
            lastHeardMillis = config.clock().millis();
        }
        silenceLimitMillis = 2 * Math.max(heartbeatMillis, 1000);
        this.source = java.util.Objects.requireNonNull(source, "source");
        seenConnected = false;
    }

    /**
     * Whether the connector says it lost its source, while the stream itself still runs.
     *
     * @return true only while the connector reports it is not connected, once this run saw it connected
     */
    boolean sourceDisconnected() {
        return seenConnected && !source.connected();
    }

    /**
     * Returns when the source was last heard from (any record, heartbeats included).
     *
     * @return the clock's millis then, or 0 if never
     */
    long lastHeardMillis() {
        return lastHeardMillis;
    }

    /**
     * Whether changes received are being applied now: the source was heard, the target is busy.
     *
     * @return true while a batch is received and not yet committed
     */
    boolean applying() {
        return pending.get() > 0;
    }

    /** The stream lost its source or target: its silence counts as lag until a batch arrives again. */
    void lost() {
        awaitingSource = true;
    }

    /** Sets the last fence applied as the target stored it, before a run starts. */
    void startFrom(long fence) {
        appliedFence = fence;
    }

    /** Forgets the changes received and not applied, once a run ended. */
    void reset() {
        pending.set(0);
        oldestPendingMillis = 0;
    }

    Lag lag() {
        long now = config.clock().millis();
        long events = pending.get();
        long oldest = oldestPendingMillis;
        long behind = events == 0 || oldest == 0 ? 0 : Math.max(0, now - oldest);
        // Changes still inside the connector or the server are not counted as events; while
        // batches keep arriving, how old they arrive is the best sign of them. A batch in hand, or
        // one committed a moment ago, means batches are still coming, however long each takes.
        long arrived = lastArrivalMillis;
        if (arrived > 0 && (events > 0 || now - Math.max(arrived, lastCommitMillis) <= RECENT_ARRIVAL_MILLIS)) {
            behind = Math.max(behind, lastArrivalDelayMillis);
        }
        // A stream that is not reading (recovering, or silent past its heartbeats) does not know
        // what it misses: the time since it last heard from the source is the least it lags.
        long heard = lastHeardMillis;
        long silent = heard == 0 ? 0 : Math.max(0, now - heard);
        if (awaitingSource || lifecycle.state() == State.RECOVERING || silent > silenceLimitMillis || sourceDisconnected()) {
            behind = Math.max(behind, silent);
        }
        return new Lag(events, Duration.ofMillis(behind));
    }

    Position appliedPosition() {
        return appliedPosition;
    }

    /** Returns a fence id above every one written or applied so far, and at least the clock's millis. */
    long nextFenceId() {
        return lastFenceWritten.updateAndGet(prev -> Math.max(Math.max(prev + 1, appliedFence + 1), config.clock().millis()));
    }

    /**
     * Waits until fence {@code id} is applied on the target.
     *
     * @param id the fence written
     * @param start {@link System#nanoTime()} when the caller began
     * @param deadline {@link System#nanoTime()} to give up at
     * @throws CatchUpTimeoutException at the deadline, once the stream failed, or if interrupted
     */
    void awaitApplied(long id, long start, long deadline) {
        lock.lock();
        try {
            while (appliedFence < id) {
                long left = deadline - System.nanoTime();
                State s = lifecycle.state();
                if (left <= 0 || s == State.FAILED) {
                    throw new CatchUpTimeoutException("stream '" + config.name() + "': fence " + id + " not applied on the target after "
                            + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (state " + s + ", lag " + lag()
                            + ", applied " + appliedPosition + ")");
                }
                fenceApplied.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatchUpTimeoutException("stream '" + config.name() + "': interrupted while waiting for fence " + id);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every fence waiter to look again: a fence cannot arrive any more. Called by the lifecycle only. */
    void wakeFenceWaiters() {
        lock.lock();
        try {
            fenceApplied.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
