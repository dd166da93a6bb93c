package io.cutover.internal;

import io.cutover.CutoverException;
import io.cutover.DrainTimeoutException;
import io.cutover.Phase;
import io.cutover.WritePauser;
import io.cutover.WritesPausedException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WritePauser} over a fair {@link Semaphore}: each lease holds one permit; a pause
 * takes all of them with a deadline. Fairness makes writers that arrive after a pause began
 * queue behind it, so the drain cannot be starved, and a timed-out pause lets them straight
 * through. Permits are not owned by threads, so a lease may be closed anywhere.
 *
 * <p>Open leases are also kept in a map (lease to holder thread and start time), only so that
 * a failed drain can say who is holding it up.
 */
public final class SemaphoreWritePauser implements WritePauser {
    private static final Logger log = LoggerFactory.getLogger(SemaphoreWritePauser.class);

    /** More permits than any application has concurrent writes; a pause takes them all. */
    static final int MAX_PERMITS = 1 << 20;

    private enum State { OPEN, DRAINING, PAUSED }

    private final String name;
    private final Duration maxWaitWhilePaused;
    private final Semaphore permits = new Semaphore(MAX_PERMITS, true);
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private final Map<SemaphoreLease, Holder> open = new ConcurrentHashMap<>();

    /** Who took a lease and when (System.nanoTime: an Instant costs several times more per lease). */
    private record Holder(Thread thread, long sinceNanos) {
    }

    /**
     * Creates an open pauser.
     *
     * @param name used in messages
     * @param maxWaitWhilePaused how long {@link #enter()} waits during a pause
     */
    public SemaphoreWritePauser(String name, Duration maxWaitWhilePaused) {
        this.name = Objects.requireNonNull(name, "name");
        this.maxWaitWhilePaused = Objects.requireNonNull(maxWaitWhilePaused, "maxWaitWhilePaused");
    }

    @Override
    public Lease enter() {
        boolean acquired;
        try {
            // The timed form honours fairness (the untimed tryAcquire() barges past a queued
            // pause); an immediate try first keeps the common path free of the wait machinery.
            acquired = permits.tryAcquire(0, TimeUnit.NANOSECONDS)
                    || permits.tryAcquire(maxWaitWhilePaused.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(Phase.PAUSE, "cutover '" + name
                    + "': interrupted while waiting for writes to resume", e);
        }
        if (!acquired) {
            throw new WritesPausedException("cutover '" + name + "': writes have been paused for longer than "
                    + maxWaitWhilePaused.toMillis() + " ms (this writer's bound); nothing was written, retry"
                    + " or raise WritePauser.Builder.maxWaitWhilePaused");
        }
        SemaphoreLease lease = new SemaphoreLease();
        open.put(lease, new Holder(Thread.currentThread(), System.nanoTime()));
        return lease;
    }

    @Override
    public void pause(Duration drainBudget) {
        if (!tryPause(drainBudget)) {
            int inFlight = inFlight();
            throw new DrainTimeoutException("cutover '" + name + "': " + inFlight + " write"
                    + (inFlight == 1 ? "" : "s") + " still in flight after " + drainBudget.toMillis() + " ms"
                    + oldestHolder() + "; writes resumed. Close connections promptly or raise the drain budget",
                    Math.max(1, inFlight));
        }
    }

    @Override
    public boolean tryPause(Duration drainBudget) {
        Objects.requireNonNull(drainBudget, "drainBudget");
        if (drainBudget.isNegative() || drainBudget.isZero()) {
            throw new IllegalArgumentException("drainBudget must be positive, was " + drainBudget);
        }
        if (!state.compareAndSet(State.OPEN, State.DRAINING)) {
            throw new IllegalStateException("cutover '" + name + "': cannot pause writes: expected state OPEN but was "
                    + state.get());
        }
        boolean drained;
        try {
            drained = permits.tryAcquire(MAX_PERMITS, drainBudget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            state.set(State.OPEN);
            Thread.currentThread().interrupt();
            throw new CutoverException(Phase.PAUSE, "cutover '" + name + "': interrupted while draining writes; writes resumed", e);
        }
        if (!drained) {
            state.set(State.OPEN);
            log.warn("cutover '{}': drain timed out after {} ms with {} writes in flight{}; writes resumed",
                    name, drainBudget.toMillis(), inFlight(), oldestHolder());
            return false;
        }
        state.set(State.PAUSED);
        return true;
    }

    @Override
    public void resume() {
        if (!state.compareAndSet(State.PAUSED, State.OPEN)) {
            throw new IllegalStateException("cutover '" + name + "': cannot resume writes: expected state PAUSED but was "
                    + state.get());
        }
        permits.release(MAX_PERMITS);
    }

    @Override
    public boolean isPaused() {
        return state.get() != State.OPEN;
    }

    @Override
    public int inFlight() {
        return open.size();
    }

    private String oldestHolder() {
        Map.Entry<SemaphoreLease, Holder> oldest = null;
        for (Map.Entry<SemaphoreLease, Holder> e : open.entrySet()) {
            if (oldest == null || e.getValue().sinceNanos() - oldest.getValue().sinceNanos() < 0) {
                oldest = e;
            }
        }
        if (oldest == null) {
            return "";
        }
        double ageSeconds = (System.nanoTime() - oldest.getValue().sinceNanos()) / 1e9;
        return String.format(" (oldest held %.1fs by thread \"%s\")", ageSeconds, oldest.getValue().thread().getName());
    }

    @Override
    public String toString() {
        return "WritePauser[" + name + ", " + state.get() + ", " + inFlight() + " in flight]";
    }

    private final class SemaphoreLease implements Lease {
        private final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.remove(this);
                permits.release();
            }
        }
    }
}
