package io.cutover.capture;

import io.cutover.CutoverException;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.Recovery;
import io.cutover.ReplicationStream.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's recovery from transient errors: when a run fails with an error {@link
 * TransientErrors} calls transient, the stream is {@code RECOVERING} and a thread of its own ends
 * the failed run and starts new ones from the offsets stored on the target, with exponential
 * backoff and jitter, until one polls ({@code STREAMING} again) or the recovery budget is spent
 * ({@code FAILED}, with a message that says what to check). An error retrying cannot fix fails the
 * stream at once with that error. Logs each loss, retry and recovery at WARN / INFO.
 *
 * <p>Why a fresh engine rather than Debezium's own retries ({@code errors.max.retries}, {@code
 * errors.retry.delay.*}): those restart the connector's task only for errors the connector marks
 * retriable on the source side, not for a failed apply on the target, and they happen inside the
 * engine, where the stream can neither show them nor bound them. A new run resumes from the
 * offsets committed on the target with the applied rows, the same path as a restarted process.
 *
 * <p>Thread-safe: the lifecycle calls {@link #lost}, {@link #begin} and {@link #failedAgain} on
 * the thread that saw the failure; the recovery thread does the rest.
 */
final class StreamRecovery implements Recoverer {

    // Logged under the stream's name, as the rest of the stream.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    /** The first retry's delay; each next one doubles, up to {@link #MAX_DELAY}. */
    static final Duration FIRST_DELAY = Duration.ofMillis(500);
    /** The longest delay between two attempts. */
    static final Duration MAX_DELAY = Duration.ofSeconds(5);
    /**
     * How long the recovery waits for a failed run to end before abandoning it: a run stuck on a
     * frozen path may never end, and the budget is for attempts, not for waiting on the lost run.
     */
    static final Duration ABANDON_AFTER = Duration.ofSeconds(5);
    /** How long past its budget a recovery whose attempt is still blocked is given up by its deadline watch. */
    static final Duration GRACE = Duration.ofSeconds(2);

    /** What the recovery needs of its stream. */
    interface Runs {

        /** Ends the current run, if any, and waits for it to end, at most {@link #ABANDON_AFTER}; then abandons it. */
        void stopRun();

        /**
         * Starts a new run from the offsets stored on the target and waits until it polls or copies.
         *
         * @param timeout how long to wait
         * @throws RuntimeException what stopped the new run, or a timeout
         */
        void resume(Duration timeout);

        /** @return the stream's state now */
        State state();

        /** @return whether the stream moved from RECOVERING to STREAMING */
        boolean recovered();

        /**
         * Fails the stream for good.
         *
         * @param error why
         */
        void giveUp(Throwable error);

        /** @return the stream's lag now */
        Lag lag();
    }

    private final String name;
    private final String sourceLabel;
    private final String targetLabel;
    private final Duration budget;
    private final Duration startTimeout;
    private final Clock clock;
    private final Runs runs;
    private final boolean retriesStart;
    private final AtomicReference<Recovery> current = new AtomicReference<>();
    private final Object lock = new Object();
    private Thread worker; // guarded by lock
    private Thread deadlineWatch; // guarded by lock
    private volatile boolean attempting; // while the worker waits for an attempt's new run
    private boolean closed; // guarded by lock
    private long episodes; // guarded by lock; bumped by each loss, so a worker sees a new one

    /**
     * Creates the recovery of one stream.
     *
     * @param name the stream's name
     * @param sourceLabel what messages call its source
     * @param targetLabel what messages call its target
     * @param budget how long one recovery may take before the stream fails
     * @param startTimeout the longest wait for one new run to poll
     * @param clock the clock
     * @param runs the stream's runs
     * @param retriesStart whether a transient failure of the stream's start is recovered too
     */
    StreamRecovery(String name, String sourceLabel, String targetLabel, Duration budget, Duration startTimeout, Clock clock,
            Runs runs, boolean retriesStart) {
        this.name = name;
        this.sourceLabel = sourceLabel;
        this.targetLabel = targetLabel;
        this.budget = budget;
        this.startTimeout = startTimeout;
        this.clock = clock;
        this.runs = runs;
        this.retriesStart = retriesStart;
    }

    @Override
    public boolean retriesStart() {
        return retriesStart;
    }

    /**
     * Returns the recovery under way.
     *
     * @return the recovery while the stream is recovering, else empty
     */
    Optional<Recovery> current() {
        Recovery r = current.get();
        return runs.state() == State.RECOVERING ? Optional.ofNullable(r) : Optional.empty();
    }

    @Override
    public boolean accepts(Throwable error) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
        }
        return TransientErrors.reason(error).isPresent();
    }

    @Override
    public void lost(Throwable error) {
        Instant now = clock.instant();
        current.set(new Recovery(lostSide(error), 0, error, now, now.plus(delay(1)), now.plus(budget)));
    }

    @Override
    public void begin() {
        Recovery r = current.get();
        LOG.warn("stream '{}' lost {} ({}); retry 1 in {}; lag {}", name, r.lost(), reason(r.lastError()),
                seconds(Duration.between(clock.instant(), r.nextAttemptAt())), describe(runs.lag()));
        synchronized (lock) {
            episodes++;
            if (worker == null && !closed) {
                worker = new Thread(this::work, "cutover-recovery-" + name);
                worker.setDaemon(true);
                worker.start();
            }
            if (deadlineWatch == null && !closed) {
                deadlineWatch = new Thread(this::watchDeadline, "cutover-recovery-deadline-" + name);
                deadlineWatch.setDaemon(true);
                deadlineWatch.start();
            }
            lock.notifyAll();
        }
    }

    /**
     * Gives the recovery up when its budget (and {@link #GRACE}) is spent and the stream still
     * recovers: the worker gives up by itself between attempts, but an attempt blocked on a
     * frozen path (a connection that neither answers nor fails) would hold it past the bound.
     */
    private void watchDeadline() {
        Recovery r;
        synchronized (lock) {
            while (true) {
                r = current.get();
                if (closed || runs.state() != State.RECOVERING || r == null) {
                    deadlineWatch = null;
                    return;
                }
                long ms = Duration.between(clock.instant(), r.givesUpAt().plus(GRACE)).toMillis();
                if (ms <= 0 && attempting) {
                    deadlineWatch = null;
                    break;
                }
                try {
                    lock.wait(ms > 0 ? Math.min(ms, 200) : 200); // short: a test clock may move without a notify
                } catch (InterruptedException e) {
                    deadlineWatch = null;
                    return;
                }
            }
        }
        String blocked = "attempt " + r.attempts() + " blocked for " + seconds(Duration.between(r.nextAttemptAt(), clock.instant()))
                + " with no answer from " + r.lost() + " (a path that neither answers nor fails: frozen?)";
        LOG.warn("stream '{}': {}, past the recovery budget; giving up without it", name, blocked);
        java.util.concurrent.TimeoutException why = new java.util.concurrent.TimeoutException(blocked);
        runs.giveUp(gaveUp(new Recovery(r.lost(), r.attempts(), why, r.since(), r.nextAttemptAt(), r.givesUpAt())));
        runs.stopRun(); // the blocked attempt's run, if it got as far as registering one
    }

    @Override
    public void failedAgain(Throwable error) {
        current.updateAndGet(r -> r == null ? null : new Recovery(r.lost(), r.attempts(), error, r.since(),
                r.nextAttemptAt(), r.givesUpAt()));
    }

    /**
     * Stops retrying: wakes the recovery thread, which sees the stream stopped or closed, and
     * waits for it to end.
     *
     * @param close whether no recovery may begin any more (the stream closes)
     * @param wait how long to wait for the thread
     */
    void quiesce(boolean close, Duration wait) {
        Thread t;
        synchronized (lock) {
            closed |= close;
            t = worker;
            lock.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void work() {
        long seen = -1; // the episode this worker recovers from
        try {
            while (true) {
                synchronized (lock) {
                    if (closed || runs.state() != State.RECOVERING) {
                        return;
                    }
                    if (seen == episodes) {
                        return; // recovered, and no loss since
                    }
                    seen = episodes;
                }
                runs.stopRun(); // the failed run: its engine, its copy, its connections
                recover(seen);
            }
        } finally {
            synchronized (lock) {
                worker = null;
                if (!closed && runs.state() == State.RECOVERING && seen != episodes) {
                    // A loss raced this thread's end: carry on in a new thread.
                    worker = new Thread(this::work, "cutover-recovery-" + name);
                    worker.setDaemon(true);
                    worker.start();
                }
            }
        }
    }

    /** One recovery: attempts until a run polls, the stream stops, the budget is spent or an error is fatal. */
    private void recover(long episode) {
        while (true) {
            Recovery r = current.get();
            // No attempt may begin past the budget: then give up at the budget, not at the next attempt's time.
            Instant at = r.nextAttemptAt().isBefore(r.givesUpAt()) ? r.nextAttemptAt() : r.givesUpAt();
            if (!awaitUntil(at, episode)) {
                return;
            }
            Instant now = clock.instant();
            if (!now.isBefore(r.givesUpAt())) {
                runs.giveUp(gaveUp(r));
                return;
            }
            int attempt = r.attempts() + 1;
            current.set(new Recovery(r.lost(), attempt, r.lastError(), r.since(), now, r.givesUpAt()));
            Duration left = Duration.between(now, r.givesUpAt());
            Throwable failed;
            try {
                attempting = true;
                try {
                    runs.resume(left.compareTo(startTimeout) < 0 ? left : startTimeout);
                } finally {
                    attempting = false;
                }
                boolean streaming = runs.recovered();
                LOG.info("stream '{}' {} after losing {} {} ago ({} attempt{}); lag {}", name,
                        streaming ? "is streaming again" : "resumed (" + runs.state() + ")", r.lost(),
                        seconds(r.elapsed(clock.instant())), attempt, attempt == 1 ? "" : "s", describe(runs.lag()));
                return;
            } catch (RuntimeException e) {
                failed = e;
            }
            runs.stopRun();
            if (runs.state() != State.RECOVERING) {
                return;
            }
            if (TransientErrors.reason(failed).isEmpty()) {
                LOG.warn("stream '{}': resuming failed with an error retrying cannot fix; giving up", name);
                runs.giveUp(failed);
                return;
            }
            Instant next = clock.instant().plus(delay(attempt + 1));
            Recovery again = new Recovery(r.lost(), attempt, failed, r.since(), next, r.givesUpAt());
            current.set(again);
            if (next.isBefore(r.givesUpAt())) {
                LOG.warn("stream '{}' lost {} ({}); retry {} in {}; lag {}", name, again.lost(), reason(failed), attempt + 1,
                        seconds(Duration.between(clock.instant(), next)), describe(runs.lag()));
            }
        }
    }

    /** Waits until {@code at}; false if the stream stopped, closed, or a new loss began meanwhile. */
    private boolean awaitUntil(Instant at, long episode) {
        synchronized (lock) {
            while (true) {
                if (closed || runs.state() != State.RECOVERING || episodes != episode) {
                    return false; // stopped, closed, or a new loss that the caller begins afresh
                }
                long ms = Duration.between(clock.instant(), at).toMillis();
                if (ms <= 0) {
                    return true;
                }
                try {
                    lock.wait(Math.min(ms, 200)); // short: a test clock may move without a notify
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private CutoverException gaveUp(Recovery r) {
        String lost = r.lost();
        return new CutoverException(Phase.CATCH_UP, "stream '" + name + "' gave up after recovering for "
                + seconds(r.elapsed(clock.instant())) + " (" + r.attempts() + " attempts, recoveryBudget " + seconds(budget)
                + "): lost " + lost + " (" + reason(r.lastError()) + ") and could not resume; check that " + lost
                + " is up and reachable from this host and accepts the cutover user, then start() the stream again:"
                + " it resumes from the offsets stored on " + targetLabel, r.lastError());
    }

    /** Which side an error came from: the apply on the target, or the capture on the source. */
    private String lostSide(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TargetApplyException) {
                return targetLabel;
            }
        }
        return sourceLabel;
    }

    private static String reason(Throwable error) {
        return TransientErrors.reason(error).orElseGet(() -> TransientErrors.brief(error));
    }

    /**
     * The delay before attempt {@code n} (from 1): doubling from {@link #FIRST_DELAY} up to
     * {@link #MAX_DELAY}, each with up to a quarter off or on at random, so that many streams
     * that lost the same server do not retry in step.
     */
    static Duration delay(int n) {
        long base = FIRST_DELAY.toMillis() << Math.min(Math.max(0, n - 1), 20);
        base = Math.min(base, MAX_DELAY.toMillis());
        double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis(Math.round(base * jitter));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", Math.max(0, d.toMillis()) / 1000.0);
    }

    static String describe(Lag lag) {
        return String.format(Locale.ROOT, "%,d events / %.1f s", lag.events(), lag.behind().toMillis() / 1000.0);
    }
}
