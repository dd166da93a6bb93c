package io.cutover.internal;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverException;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.PhaseTiming;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import io.cutover.spi.KeyHandoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Cutover}: the steps of ARCHITECTURE.md run one after the other against a
 * {@link WriteSite} (this JVM's switcher, or its whole fleet when the switcher is a fleet member) and a {@link ReplicationLink}, each timed, with the total budget checked
 * between steps and an abort that undoes what the run did before the flip.
 */
public final class SteppedCutover implements Cutover {
    private static final Logger log = LoggerFactory.getLogger(SteppedCutover.class);

    /**
     * Everything the builder validated.
     *
     * @param name the cutover's name
     * @param switcher the switcher to pause and flip
     * @param link the forward replication
     * @param drainBudget how long the drain may take
     * @param catchUpBudget how long the fence may take
     * @param totalBudget how long writes may stay paused before the flip
     * @param maxLagToStart the most lag preflight accepts
     * @param guard whether to engage the source's guard
     * @param startReverse whether to start the reverse stream after the flip
     * @param fenceBeforePause whether preflight applies a fence before writes are paused
     * @param clock the clock
     * @param executor runs the steps taken while writes are paused, so the budget can cut them off
     * @param listeners listeners, in order
     * @param verifyFirst how preflight verifies the link before the pause, or null not to
     * @param pauseGate what preflight waits for last, before the pause, or null not to wait
     */
    public record Settings(String name, ConnectionSwitcher switcher, ReplicationLink link, Duration drainBudget,
            Duration catchUpBudget, Duration totalBudget, Lag maxLagToStart, boolean guard, boolean startReverse,
            boolean fenceBeforePause, Clock clock, Executor executor, List<CutoverListener> listeners,
            io.cutover.VerifyOptions verifyFirst, io.cutover.PauseGate pauseGate) {
    }

    /**
     * Runs paused-time steps when the builder was given no executor: daemon threads, reused across
     * cutovers, so a step blocked in a database call never keeps the JVM alive.
     */
    public static final Executor STEP_THREADS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cutover-step");
        t.setDaemon(true);
        return t;
    });

    private final Settings settings;
    private final WriteSite site;
    private final Listeners listeners;
    private final AtomicReference<State> state = new AtomicReference<>(State.READY);
    private volatile ReplicationLink reverse;

    /**
     * Creates a cutover over the local switcher.
     *
     * @param settings validated settings
     */
    public SteppedCutover(Settings settings) {
        this(settings, Objects.requireNonNull(settings, "settings").switcher().fleet()
                .filter(SwitcherMember.class::isInstance)
                .<WriteSite>map(m -> new FleetSite((SwitcherMember) m, settings.name(),
                        settings.totalBudget().plus(settings.drainBudget()), settings.drainBudget()))
                .orElseGet(() -> WriteSite.of(settings.switcher())));
    }

    private SteppedCutover(Settings settings, WriteSite site) {
        this.settings = settings;
        this.site = site;
        this.listeners = new Listeners(settings.name(), settings.listeners());
    }

    /** Runs preflight and a flip over a site and a link that do nothing, unreported: see {@link PausePathWarmUp}. */
    static void dryRun(Settings settings, WriteSite site) {
        Run run = new SteppedCutover(settings, site).new Run(true);
        run.preflight();
        run.switchOver();
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public State state() {
        return state.get();
    }

    @Override
    public Optional<ReplicationLink> reverseLink() {
        return Optional.ofNullable(reverse);
    }

    @Override
    public CutoverResult execute() {
        return run(true);
    }

    @Override
    public CutoverResult rehearse() {
        return run(false);
    }

    private CutoverResult run(boolean flip) {
        if (!state.compareAndSet(State.READY, State.RUNNING)) {
            State now = state.get();
            String hint = switch (now) {
                case FLIPPED -> "; it has already flipped: to roll back, build a new Cutover over reverseLink()";
                case ABORTED -> "; it aborted earlier (writes stayed on the source): build a new Cutover to try again";
                case RUNNING -> "; another call is running it now";
                default -> "";
            };
            throw new IllegalStateException("cutover '" + name() + "': cannot " + (flip ? "execute" : "rehearse")
                    + ": expected state READY but was " + now + hint);
        }
        Run run = new Run(flip);
        try {
            run.preflight();
        } catch (RuntimeException | Error e) {
            run.discardReverse();
            run.discardGuard();
            state.set(State.READY);
            if (e instanceof CutoverException refusal) {
                listeners.refused(refusal);
            }
            throw e;
        }
        try {
            CutoverResult result = run.switchOver();
            if (flip) {
                reverse = run.reverseLink;
            }
            state.set(flip ? State.FLIPPED : State.READY);
            log.info("{}", result.summary().stripTrailing());
            listeners.completed(result);
            return result;
        } catch (CutoverAbortedException e) {
            state.set(flip ? State.ABORTED : State.READY);
            listeners.aborted(e);
            throw e;
        }
    }

    /** One execution: its timings, what it changed, and how to undo that. */
    private final class Run {
        private final boolean flip;
        private final ReplicationLink link = settings.link();
        private final Side from = link.source();
        private final Side to = link.target();
        private final Clock clock = settings.clock();
        private final Instant startedAt = clock.instant();
        private final List<PhaseTiming> phases = new ArrayList<>();
        private final List<String> checks = new ArrayList<>();
        private Phase current = Phase.PREFLIGHT;
        private final PauseBudget budget = new PauseBudget(name(), clock, settings.totalBudget(),
                settings.catchUpBudget(), settings.executor());
        private boolean paused;
        private boolean guardEngaged;
        // Whether preflight prepared the source's guard: until it is engaged, ours to discard.
        private boolean guardPrepared;
        private boolean targetGuardReleased;
        private Fence fence;
        private Fence preflightFence; // the fence applied before the pause, if any
        private ReplicationLink reverseLink;
        private KeyHandoff handoff;
        // Whether prepareReverseBeforePause ran: until prepareReverse takes it over, ours to discard.
        private boolean reversePrepared;

        Run(boolean flip) {
            this.flip = flip;
        }

        void preflight() {
            timed(Phase.PREFLIGHT, () -> {
                ReplicationStream stream = link.stream();
                Lag lag = PreflightChecks.refuseUnready(name(), site.current(), link, settings.maxLagToStart(), listeners);
                checks.add("preflight: stream '" + stream.name() + "' STREAMING, lag " + lag + ", link checks passed");
                checks.addAll(link.checks());
                // Before the slower checks below: a refusal by them discards what this prepared.
                reversePrepared = true;
                checks.addAll(link.prepareReverseBeforePause());
                if (settings.fenceBeforePause()) {
                    checks.add(preflightFence(stream));
                }
                if (settings.verifyFirst() != null) {
                    checks.add(PreflightVerify.run(link, settings.verifyFirst()));
                }
                if (settings.guard()) {
                    guardPrepared = true; // before: a prepare that fails halfway leaves something to discard
                    checks.addAll(link.sourceGuard().prepare());
                }
                // Last, so that what it moves ahead has the least to cover until the pause.
                handoff = link.keyHandoff();
                checks.addAll(handoff.prepare());
                checks.addAll(warmUp());
                if (settings.pauseGate() != null) { // last: the pause should start the moment it passes
                    checks.add(PauseGateWait.await(name(), stream, settings.pauseGate()));
                }
                return null;
            });
        }

        private String preflightFence(ReplicationStream stream) {
            preflightFence = PreflightChecks.fenceBeforePause(stream, settings.catchUpBudget());
            return "fence " + preflightFence.id() + " applied before the pause in " + preflightFence.waited().toMillis() + " ms";
        }

        /** Last in preflight, so the pause follows it closely: see {@link PreflightWarmUp}. */
        private List<String> warmUp() {
            return new PreflightWarmUp(name(), link, settings.executor(), settings.catchUpBudget())
                    .run(preflightFence);
        }

        CutoverResult switchOver() {
            try {
                budget.pausing();
                timed(Phase.PAUSE, () -> {
                    site.pause(settings.drainBudget());
                    paused = true;
                    return null;
                });
                budget.check(current);
                if (settings.guard()) {
                    timed(Phase.GUARD, () -> budget.bounded(Phase.GUARD, () -> {
                        link.sourceGuard().engage();
                        return Boolean.TRUE;
                    }, late -> link.sourceGuard().release()));
                    guardEngaged = true;
                    guardPrepared = false; // released from now on, never discarded
                    budget.check(current);
                }
                fence = timed(Phase.CATCH_UP, () -> {
                    Duration wait = budget.catchUpTime();
                    return budget.bounded(Phase.CATCH_UP, () -> link.stream().awaitFence(wait), late -> { });
                });
                checks.add("fence " + fence.id() + " at " + fence.position() + " applied on " + to + " in "
                        + fence.waited().toMillis() + " ms");
                budget.check(current);
                checks.addAll(timed(Phase.HANDOFF, () -> budget.bounded(Phase.HANDOFF, handoff::handOff, late -> { })));
                budget.check(current);
                reverseLink = timed(Phase.REVERSE, () -> budget.bounded(Phase.REVERSE, link::prepareReverse, ReplicationLink::close));
                // The reverse link owns what was prepared for it now: closing it removes that.
                reversePrepared = false;
                budget.check(current);
                if (flip) {
                    timed(Phase.FLIP, () -> {
                        link.targetGuard().release();
                        targetGuardReleased = true;
                        site.flipTo(to);
                        return null;
                    });
                } else {
                    undoBeforeResume();
                }
            } catch (RuntimeException e) {
                throw abort(e);
            }
            timed(Phase.RESUME, () -> {
                site.resume();
                return null;
            });
            Duration pause = budget.paused();
            if (flip) {
                afterFlip();
            }
            return result(flip ? CutoverResult.Outcome.FLIPPED : CutoverResult.Outcome.REHEARSED, pause, null);
        }

        /** Retires the forward stream and starts the reverse one; writes already go on. */
        private void afterFlip() {
            try {
                link.close();
            } catch (RuntimeException e) {
                log.error("cutover '{}': closing the forward stream {} -> {} failed; release its server-side"
                        + " resources by hand", name(), from, to, e);
                checks.add("forward stream close failed: " + e.getMessage());
            }
            if (settings.startReverse()) {
                try {
                    reverseLink.stream().start();
                    // A start that met a transient error (green unreachable for a moment) retries by itself.
                    boolean recovering = reverseLink.stream().state() == io.cutover.ReplicationStream.State.RECOVERING;
                    checks.add("reverse stream '" + reverseLink.stream().name() + "' " + to + " -> " + from
                            + (recovering ? " is RECOVERING: its start met a transient error and it retries by itself" : " started"));
                } catch (RuntimeException e) {
                    log.error("cutover '{}': the reverse stream {} -> {} did not start; writes on {} are captured"
                            + " but not replicated until it is started", name(), to, from, to, e);
                    checks.add("reverse stream failed to start: " + e.getMessage());
                }
            }
        }

        private void undoBeforeResume() {
            if (reverseLink != null) {
                reverseLink.close();
                reverseLink = null;
            }
            discardReverse();
            if (guardEngaged) {
                link.sourceGuard().release();
                guardEngaged = false;
            }
        }

        private CutoverAbortedException abort(RuntimeException cause) {
            Phase failed = cause instanceof CutoverException ce ? ce.phase() : current;
            String reason = cause.getMessage();
            log.warn("cutover '{}': aborting in {}: {}; resuming writes on {}", name(), failed, reason, from);
            List<Throwable> undoFailures = new ArrayList<>();
            if (reverseLink != null) {
                attempt(undoFailures, reverseLink::close);
                reverseLink = null;
            }
            attempt(undoFailures, this::discardReverse);
            if (targetGuardReleased) {
                attempt(undoFailures, () -> link.targetGuard().engage());
            }
            if (guardEngaged) {
                attempt(undoFailures, () -> link.sourceGuard().release());
            }
            discardGuard();
            if (paused) {
                attempt(undoFailures, site::resume);
            }
            Duration pause = budget.paused();
            phases.add(new PhaseTiming(Phase.ABORT, Duration.ZERO));
            CutoverResult result = result(CutoverResult.Outcome.ABORTED, pause, reason);
            CutoverAbortedException e = new CutoverAbortedException(failed, "cutover '" + name() + "' aborted in "
                    + failed + ": " + reason + "; writes resumed on " + from + ", the stream keeps running,"
                    + " nothing was lost", cause, result);
            undoFailures.forEach(e::addSuppressed);
            return e;
        }

        /** Removes what was prepared for a reverse link that this run will not make. */
        void discardReverse() {
            if (reversePrepared) {
                reversePrepared = false;
                link.discardReverse();
            }
        }

        /**
         * Removes what preflight prepared for a guard this run did not engage. A failure is logged, never
         * thrown: it must not hide the refusal or abort, and what it leaves refuses nothing.
         */
        void discardGuard() {
            if (guardPrepared) {
                guardPrepared = false;
                try {
                    link.sourceGuard().discardPrepared();
                } catch (RuntimeException e) {
                    log.warn("cutover '{}': removing the guard prepared on {} failed; finish() removes it", name(), from, e);
                }
            }
        }

        private void attempt(List<Throwable> failures, Runnable undo) {
            try {
                undo.run();
            } catch (RuntimeException e) {
                log.error("cutover '{}': undoing a step during abort failed", name(), e);
                failures.add(e);
            }
        }

        private CutoverResult result(CutoverResult.Outcome outcome, Duration pause, String abortReason) {
            return new CutoverResult(name(), from, to, outcome, startedAt, phases, pause, fence, checks, abortReason);
        }

        private <T> T timed(Phase phase, Supplier<T> step) {
            current = phase;
            listeners.phaseStarted(phase);
            Instant start = clock.instant();
            T value = step.get();
            Duration took = Duration.between(start, clock.instant());
            phases.add(new PhaseTiming(phase, took));
            listeners.phaseFinished(phase, took);
            return value;
        }
    }
}
