package io.cutover.internal;

import io.cutover.CutoverException;
import io.cutover.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time one cutover run may keep writes paused: the total budget counted from the moment the
 * pause began, the catch-up budget within it, and steps that talk to a database run on an executor
 * and given up on once the budget is spent (and undone if they finish later). Used by one run's
 * thread; the late-undo callbacks run on the executor.
 */
final class PauseBudget {
    private static final Logger log = LoggerFactory.getLogger(PauseBudget.class);

    private final String cutover;
    private final Clock clock;
    private final Duration total;
    private final Duration catchUp;
    private final Executor executor;
    private Instant pausedAt;

    /**
     * Creates the budget of one run.
     *
     * @param cutover the cutover's name, for messages
     * @param clock the clock
     * @param total how long writes may stay paused before the flip
     * @param catchUp how long the fence may take
     * @param executor runs bounded steps
     */
    PauseBudget(String cutover, Clock clock, Duration total, Duration catchUp, Executor executor) {
        this.cutover = Objects.requireNonNull(cutover, "cutover");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.total = Objects.requireNonNull(total, "total");
        this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Starts counting: writes are being paused now. */
    void pausing() {
        pausedAt = clock.instant();
    }

    /** Returns when the pause began, or null before {@link #pausing()}. */
    Instant pausedAt() {
        return pausedAt;
    }

    /** Returns how long writes have been paused, zero before {@link #pausing()}. */
    Duration paused() {
        return pausedAt == null ? Duration.ZERO : Duration.between(pausedAt, clock.instant());
    }

    /**
     * Runs a step that talks to a database on the executor and waits for it no longer than the
     * budget has left: a step blocked by a lock or a long transaction must not keep writes
     * paused. A step that finishes after it was given up is undone then.
     *
     * @param phase the step's phase
     * @param step the step
     * @param undoIfLate undoes the step's result if it arrives after the step was given up on
     * @return the step's result
     * @throws CutoverException if the budget is spent, the step fails with a checked exception, or the wait is interrupted
     */
    <T> T bounded(Phase phase, Supplier<T> step, Consumer<T> undoIfLate) {
        Duration left = left();
        if (left.isNegative() || left.isZero()) {
            throw overBudget(phase);
        }
        CompletableFuture<T> future = CompletableFuture.supplyAsync(step, executor);
        try {
            return future.get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.whenComplete((value, failure) -> {
                if (value != null) {
                    try {
                        undoIfLate.accept(value);
                        log.info("cutover '{}': {} finished after the cutover gave up on it; undone", cutover, phase);
                    } catch (RuntimeException undo) {
                        log.error("cutover '{}': {} finished late and could not be undone", cutover, phase, undo);
                    }
                }
            });
            throw new CutoverException(phase, phase + " did not finish within what was left of the total budget of "
                    + total.toMillis() + " ms (a lock or a long transaction on a database?); it is"
                    + " undone if it finishes later");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CutoverException(phase, phase + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(phase, "interrupted during " + phase, e);
        }
    }

    /**
     * Returns how long the catch-up may wait: its own budget, or what is left of the total if less.
     *
     * @return a positive duration
     * @throws CutoverException if the total budget is spent
     */
    Duration catchUpTime() {
        Duration left = left();
        Duration t = left.compareTo(catchUp) < 0 ? left : catchUp;
        if (t.isNegative() || t.isZero()) {
            throw overBudget(Phase.CATCH_UP);
        }
        return t;
    }

    /**
     * Checks that writes have not been paused past the total budget.
     *
     * @param after the phase just finished, for the message
     * @throws CutoverException if they have
     */
    void check(Phase after) {
        if (paused().compareTo(total) > 0) {
            throw overBudget(after);
        }
    }

    private Duration left() {
        return Duration.between(clock.instant(), pausedAt.plus(total));
    }

    private CutoverException overBudget(Phase phase) {
        return new CutoverException(phase, "writes have been paused " + paused().toMillis()
                + " ms, past the total budget of " + total.toMillis() + " ms, after " + phase);
    }
}
