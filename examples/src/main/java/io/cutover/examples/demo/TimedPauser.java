package io.cutover.examples.demo;

import io.cutover.WritePauser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link WritePauser} that times every pause it goes through, from the moment writes were asked
 * to stop until they were let go again: on a fleet member that is the pause the coordinator's
 * cutover cost this instance, measured where its writers wait. Delegates everything else.
 * Thread-safe.
 */
final class TimedPauser implements WritePauser {

    private final WritePauser delegate;
    private final Object lock = new Object();
    private final List<Duration> pauses = new ArrayList<>(); // guarded by lock
    private long pausedAtNanos; // guarded by lock; 0 when not paused

    TimedPauser(WritePauser delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Lease enter() {
        return delegate.enter();
    }

    @Override
    public void pause(Duration drainBudget) {
        long at = System.nanoTime();
        delegate.pause(drainBudget); // throws on a drain timeout, after resuming: nothing to time
        started(at);
    }

    @Override
    public boolean tryPause(Duration drainBudget) {
        long at = System.nanoTime();
        boolean drained = delegate.tryPause(drainBudget);
        if (drained) {
            started(at);
        }
        return drained;
    }

    @Override
    public void resume() {
        delegate.resume();
        long now = System.nanoTime();
        synchronized (lock) {
            if (pausedAtNanos != 0) {
                pauses.add(Duration.ofNanos(now - pausedAtNanos));
                pausedAtNanos = 0;
            }
        }
    }

    @Override
    public boolean isPaused() {
        return delegate.isPaused();
    }

    @Override
    public int inFlight() {
        return delegate.inFlight();
    }

    /** Every completed pause so far, oldest first. */
    List<Duration> pauses() {
        synchronized (lock) {
            return List.copyOf(pauses);
        }
    }

    private void started(long atNanos) {
        synchronized (lock) {
            pausedAtNanos = atNanos;
        }
    }
}
