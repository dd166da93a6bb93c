package io.cutover.testing;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.Side;
import io.cutover.spi.WriteGuard;
import java.util.List;
import java.util.Objects;

/**
 * A {@link WriteGuard} that remembers whether it is engaged and can be told to fail, for tests
 * that check a cutover guards the old side and lifts the guard on abort. Thread-safe.
 */
public final class FakeWriteGuard implements WriteGuard {
    private final Side side;
    private final Journal journal;
    private boolean engaged; // guarded by this
    private int engagements; // guarded by this
    private RuntimeException engageFailure; // guarded by this
    private int prepared; // guarded by this: prepare() calls not yet discarded, engaged or released
    private int discards; // guarded by this

    FakeWriteGuard(Side side, Journal journal) {
        this.side = Objects.requireNonNull(side, "side");
        this.journal = journal;
    }

    /**
     * Makes the next and every later {@link #engage()} throw, as a guard blocked by a lock would.
     *
     * @return this guard
     */
    public synchronized FakeWriteGuard failToEngage() {
        engageFailure = new CutoverException(Phase.GUARD, side + " guard could not be engaged (scripted by the test)");
        return this;
    }

    @Override
    public synchronized List<String> prepare() {
        prepared++;
        return List.of(side + " guard prepared");
    }

    @Override
    public synchronized void discardPrepared() {
        if (!engaged) {
            prepared = 0;
        }
        discards++;
    }

    /**
     * Returns whether something {@link #prepare() prepared} is still in place: neither discarded,
     * nor engaged and released.
     *
     * @return true if a preparation is left behind
     */
    public synchronized boolean preparationLeft() {
        return prepared > 0;
    }

    /**
     * Returns how many times {@link #discardPrepared()} was called.
     *
     * @return the count
     */
    public synchronized int discards() {
        return discards;
    }

    @Override
    public void engage() {
        synchronized (this) {
            if (engageFailure != null) {
                throw engageFailure;
            }
            engaged = true;
            engagements++;
        }
        journal.add(side + " guard engaged");
    }

    @Override
    public void release() {
        boolean was;
        synchronized (this) {
            was = engaged;
            engaged = false;
            prepared = 0; // releasing removes what prepare() left, as a real guard does
        }
        if (was) {
            journal.add(side + " guard released");
        }
    }

    @Override
    public synchronized boolean engaged() {
        return engaged;
    }

    /**
     * Returns how many times the guard was engaged.
     *
     * @return the count
     */
    public synchronized int engagements() {
        return engagements;
    }

    @Override
    public String toString() {
        return "FakeWriteGuard[" + side + (engaged() ? ", engaged" : "") + "]";
    }
}
