package io.cutover;

import io.cutover.internal.SteppedCutover;
import io.cutover.ReplicationLink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Moves an application's writes from one database to the other with a pause of milliseconds and
 * no lost write. The steps: preflight, pause writes and drain those in flight, guard the source,
 * fence and catch up, hand off sequences, set up reverse capture, flip, resume. Past its budget
 * before the flip it aborts: writes resume on the source and nothing is lost.
 *
 * <pre>{@code
 * Cutover cutover = Cutover.builder()
 *         .name("orders")
 *         .switcher(switcher)
 *         .link(link)                      // from PostgresCutover / MySqlCutover
 *         .drainBudget(Duration.ofMillis(500))
 *         .build();
 * CutoverResult result = cutover.execute();
 * log.info(result.summary());
 * ReplicationLink back = cutover.reverseLink().orElseThrow();   // for a rollback
 * }</pre>
 *
 * <p>One {@code Cutover} runs once: {@link #execute()} a second time, or after an abort, fails
 * with {@link IllegalStateException}. {@link #rehearse()} may run any number of times before.
 * A rollback is another {@code Cutover} over {@link #reverseLink()}. Thread-safe; runs on the
 * calling thread.
 */
public interface Cutover {

    /** Where a cutover is in its life. */
    enum State {
        /** Built; may rehearse or execute. */
        READY,
        /** Executing or rehearsing now. */
        RUNNING,
        /** Executed and flipped. */
        FLIPPED,
        /** Executed and aborted; build a new cutover to try again. */
        ABORTED
    }

    /**
     * Starts building a cutover.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Lifts the source's guard left engaged by a cutover over this link whose process died before
     * its flip was recorded, so that writes to the source go through again. A coordinator started
     * again after such a death calls it once its switcher is built, before writing; a new cutover
     * then runs as usual. It acts only when that is provably safe: the switcher is a fleet member
     * and the fleet's durable live side (read now from the database) names the link's source, so
     * the flip never happened and the source is still authoritative; and no other live member is
     * running a cutover (the last open PAUSE was issued by this member's id, an earlier incarnation
     * of this process, or by a member whose heartbeat is stale). It then publishes a RESUME for
     * that dead cutover, so members it paused resume at once rather than after their
     * coordinator-silence bound. When the live side names the target, the flip happened and the
     * source is the old side: its guard stays ({@link GuardRecovery.Action#KEPT}) and writes go to
     * the target; a guard the database reports engaged is engaged again by this process, which
     * refuses the same writes but lets this process's reverse stream apply there. Idempotent: lifting a guard that is not engaged does nothing. Blocks on the
     * databases; thread-safe.
     *
     * @param switcher this process's switcher, a fleet member
     * @param link the link the dead cutover ran over, built again with the same names
     * @return what was found and done
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the switcher is not a fleet member (the live side is not
     *     recorded durably, so nothing proves the flip did not happen: check which side holds the
     *     latest acknowledged writes and call {@code link.sourceGuard().release()} by hand), or if
     *     another member is running a cutover now
     * @throws CutoverException if the guard cannot be lifted
     */
    static GuardRecovery liftLeftoverGuard(ConnectionSwitcher switcher, ReplicationLink link) {
        return io.cutover.internal.LeftoverGuards.lift(java.util.Objects.requireNonNull(switcher, "switcher"),
                java.util.Objects.requireNonNull(link, "link"));
    }

    /**
     * Returns the cutover's name, used in messages and reports.
     *
     * @return the name
     */
    String name();

    /**
     * Returns the state now.
     *
     * @return the state
     */
    State state();

    /**
     * Runs the cutover and flips the switcher.
     *
     * @return the report
     * @throws CutoverAbortedException if a step before the flip failed or ran past the budget;
     *     writes are back on the source and the forward stream still runs
     * @throws PreflightException if a check failed before anything was touched
     * @throws IllegalStateException if the cutover already ran, is running, or aborted
     */
    CutoverResult execute();

    /**
     * Runs every step but the flip (the reverse capture is set up and torn down again), then
     * resumes writes on the source. Reports the pause a real cutover would take.
     *
     * @return the report, with outcome {@link CutoverResult.Outcome#REHEARSED}
     * @throws CutoverAbortedException if a step failed; writes are back on the source
     * @throws PreflightException if a check failed before anything was touched
     * @throws IllegalStateException if the cutover is not {@link State#READY}
     */
    CutoverResult rehearse();

    /**
     * Returns the link for the opposite direction, set up during a successful
     * {@link #execute()}: its stream carries writes on the new side back to the old one, and a
     * rollback is a {@code Cutover} over it.
     *
     * @return the reverse link, or empty before a successful execute
     */
    Optional<ReplicationLink> reverseLink();

    /**
     * Builds a {@link Cutover}. Validates each value as it is set and the whole in
     * {@link #build()}. Not thread-safe; the built cutover is.
     */
    final class Builder {
        private String name = "cutover";
        private ConnectionSwitcher switcher;
        private ReplicationLink link;
        private Duration drainBudget = Duration.ofMillis(500);
        private Duration catchUpBudget = Duration.ofSeconds(5);
        private Duration totalBudget = Duration.ofSeconds(10);
        private Lag maxLagToStart = new Lag(10_000, Duration.ofSeconds(5));
        private boolean guard = true;
        private boolean startReverse = true;
        private boolean fenceBeforePause = true;
        private VerifyOptions verifyFirst;
        private PauseGate pauseGate;
        private Clock clock = Clock.systemUTC();
        private Executor executor = SteppedCutover.STEP_THREADS;
        private final List<CutoverListener> listeners = new ArrayList<>();

        Builder() {
        }

        /**
         * A name for messages and reports. Default "cutover".
         *
         * @param name non-blank
         * @return this builder
         * @throws NullPointerException if name is null
         * @throws IllegalArgumentException if name is blank
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * The switcher whose writes are paused and which is flipped. Required.
         *
         * @param switcher not null
         * @return this builder
         * @throws NullPointerException if switcher is null
         */
        public Builder switcher(ConnectionSwitcher switcher) {
            this.switcher = Objects.requireNonNull(switcher, "switcher");
            return this;
        }

        /**
         * The replication from the switcher's current side to the other. Required; its stream
         * must be running.
         *
         * @param link not null
         * @return this builder
         * @throws NullPointerException if link is null
         */
        public Builder link(ReplicationLink link) {
            this.link = Objects.requireNonNull(link, "link");
            return this;
        }

        /**
         * How long to wait for writes in flight to finish. Default 500 ms.
         *
         * @param budget positive
         * @return this builder
         * @throws NullPointerException if budget is null
         * @throws IllegalArgumentException if budget is not positive
         */
        public Builder drainBudget(Duration budget) {
            this.drainBudget = positive(budget, "drainBudget");
            return this;
        }

        /**
         * How long to wait for the stream to apply the fence. Default 5 s.
         *
         * @param budget positive
         * @return this builder
         * @throws NullPointerException if budget is null
         * @throws IllegalArgumentException if budget is not positive
         */
        public Builder catchUpBudget(Duration budget) {
            this.catchUpBudget = positive(budget, "catchUpBudget");
            return this;
        }

        /**
         * The longest writes may stay paused; past it, before the flip, the cutover aborts.
         * Default 10 s.
         *
         * @param budget positive, and at least the drain budget
         * @return this builder
         * @throws NullPointerException if budget is null
         * @throws IllegalArgumentException if budget is not positive
         */
        public Builder totalBudget(Duration budget) {
            this.totalBudget = positive(budget, "totalBudget");
            return this;
        }

        /**
         * The most lag the stream may have for the cutover to start pausing writes; checked in
         * preflight so the pause is not spent catching up a backlog. Default 10,000 events / 5 s.
         *
         * @param maxLag not null
         * @return this builder
         * @throws NullPointerException if maxLag is null
         */
        public Builder maxLagToStart(Lag maxLag) {
            this.maxLagToStart = Objects.requireNonNull(maxLag, "maxLagToStart");
            return this;
        }

        /**
         * Whether the source database refuses writes from everyone during the pause and after
         * the flip (the link's guard). Default true.
         *
         * @param guard whether to guard
         * @return this builder
         */
        public Builder guardSource(boolean guard) {
            this.guard = guard;
            return this;
        }

        /**
         * Whether to start the reverse stream after the flip. Default true; turning it off
         * gives up a lossless rollback.
         *
         * @param start whether to start it
         * @return this builder
         */
        public Builder startReverse(boolean start) {
            this.startReverse = start;
            return this;
        }

        /**
         * Whether preflight applies a fence before writes are paused. On by default: under load the
         * stream then starts the pause caught up to a moment ago, so the fence inside the pause only
         * waits for the last few changes; and a stream that cannot apply a fence within
         * {@link #catchUpBudget} fails preflight with writes untouched instead of aborting mid-pause.
         *
         * @param fence whether to fence before pausing
         * @return this builder
         */
        public Builder fenceBeforePause(boolean fence) {
            this.fenceBeforePause = fence;
            return this;
        }

        /**
         * Makes preflight verify the link ({@link ReplicationLink#verify(VerifyOptions)}) before
         * writes are paused, and refuse the cutover with a {@link PreflightException} naming every
         * differing table and its first keys. Off by default: a verify reads every row of both sides.
         *
         * @param options how to verify
         * @return this builder
         * @throws NullPointerException if options is null
         */
        public Builder verifyFirst(VerifyOptions options) {
            this.verifyFirst = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Makes preflight, as its last step, wait for the stream to show it is caught up (a fence
         * applied within {@link PauseGate#caughtUpWithin()}) before writes are paused, at most
         * {@link PauseGate#maxWait()}; then the pause starts, or, for a gate that
         * {@linkplain PauseGate#refusingOnMiss() refuses on a miss}, the cutover is refused with a
         * {@link PreflightException}. Off by default: the pause starts as soon as preflight passed.
         * Under a load that keeps the stream busy it trades up to {@code maxWait} before the pause
         * for a shorter pause.
         *
         * @param gate the gate
         * @return this builder
         * @throws NullPointerException if gate is null
         */
        public Builder pauseGate(PauseGate gate) {
            this.pauseGate = Objects.requireNonNull(gate, "gate");
            return this;
        }

        /**
         * The clock that times phases and budgets. Default: the system UTC clock.
         *
         * @param clock not null
         * @return this builder
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs the steps taken while writes are paused (guard, catch-up, hand-off, reverse set-up),
         * so that one blocked in a database call can be given up when the budget runs out while
         * the cutover aborts and resumes writes. Default: shared daemon threads, reused across cutovers.
         *
         * @param executor not null; must run tasks on threads other than the caller's
         * @return this builder
         * @throws NullPointerException if executor is null
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Adds a listener for progress and metrics.
         *
         * @param listener not null
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder listener(CutoverListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the cutover.
         *
         * @return a new cutover, {@link State#READY}
         * @throws IllegalStateException if the switcher or link is missing, the budgets conflict,
         *     or the link's source is not the switcher's current side
         */
        public Cutover build() {
            if (switcher == null) {
                throw new IllegalStateException("switcher not set: call switcher(connectionSwitcher)");
            }
            if (link == null) {
                throw new IllegalStateException("link not set: call link(replicationLink) with the link from the dialect factory");
            }
            if (totalBudget.compareTo(drainBudget) < 0) {
                throw new IllegalStateException("totalBudget (" + totalBudget.toMillis()
                        + " ms) is shorter than drainBudget (" + drainBudget.toMillis() + " ms)");
            }
            if (link.source() != switcher.current()) {
                throw new IllegalStateException("link replicates " + link.source() + " -> " + link.target()
                        + " but the switcher is on " + switcher.current()
                        + "; a cutover moves from the switcher's current side");
            }
            return new SteppedCutover(new SteppedCutover.Settings(name, switcher, link, drainBudget, catchUpBudget,
                    totalBudget, maxLagToStart, guard, startReverse, fenceBeforePause, clock, executor, List.copyOf(listeners),
                    verifyFirst, pauseGate));
        }

        private static Duration positive(Duration d, String field) {
            Objects.requireNonNull(d, field);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(field + " must be positive, was " + d);
            }
            return d;
        }
    }
}
