package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.Lag;
import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.ReplicationStream.State;
import io.cutover.Side;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Real faults under load, written once for every dialect: writers commit through the switcher
 * while the network to blue or green is cut for 3 s (a {@code TcpProxy} between Cutover and each
 * server) or a server restarts cleanly. After each fault the forward stream must return to
 * {@code STREAMING} by itself, catch up (lag under a second), lose no acknowledged write, leave
 * both sides equal, and a cutover afterwards must succeed. The time to recover is printed and
 * appended to {@code target/<dialect>-faults.txt}.
 *
 * <p>A dialect's IT extends this class and supplies its servers with {@link FaultSides}: the
 * links it builds reach both servers through the proxies; the application pools reach them
 * directly, so a cut hits Cutover alone, and a restart hits both.
 */
public abstract class FaultScenario {
    /** Writer threads; the application pools hold this many connections and two more. */
    protected static final int WRITERS = 4;

    /** The dialect's servers, with the faults they can suffer. */
    public interface FaultSides extends Sides {

        /**
         * Cuts the network between Cutover and a side for {@code duration}: every connection is
         * reset and new ones are refused until it has passed. Returns at once.
         *
         * @param side the side
         * @param duration how long
         */
        void cut(Side side, Duration duration);

        /**
         * Restarts a side's server cleanly on the same data and port; returns once it accepts connections.
         *
         * @param side the side
         */
        void restart(Side side);

        /**
         * Stops the network between Cutover and a side from carrying anything, without closing a
         * connection (a stalled server or middlebox), until {@link #thaw(Side)}. Returns at once.
         *
         * @param side the side
         */
        void freeze(Side side);

        /**
         * Lets a frozen side's network carry what it held, and everything after.
         *
         * @param side the side
         */
        void thaw(Side side);

        /**
         * As {@link #link(String, String...)}, with a stall bound other than the default.
         *
         * @param name the link's name
         * @param stallTimeout how long the stream may hear nothing from its source
         * @param tables the tables
         * @return the recipe
         */
        LinkRecipe link(String name, Duration stallTimeout, String... tables);
    }

    /**
     * The stall bound of {@link #aFrozenSource_isTakenForStalled_andTheStreamRestartsItsEngine()}:
     * the builders' shortest, above the connectors' heartbeat intervals.
     */
    protected static final Duration STALL_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Whether, on this dialect, only the stall watch notices a frozen source (the connector
     * raises no error of its own within the bound). True unless a dialect's IT says otherwise.
     *
     * @return whether the stall watch alone notices
     */
    protected boolean onlyTheStallWatchNoticesAFrozenSource() {
        return true;
    }

    /** Returns the dialect's servers, one schema for the whole class. */
    protected abstract FaultSides sides();

    /** The dialect's name, for the report. */
    protected abstract String dialect();

    /** A fault to inflict. */
    private enum Fault {
        CUT_BLUE, CUT_GREEN, RESTART_BLUE, RESTART_GREEN, CUT_GREEN_DURING_CUTOVER
    }

    @Test
    void aThreeSecondCutOfGreen_isRecoveredByItself_andACutoverAfterwardsSucceeds() throws Exception {
        run("cutg", Fault.CUT_GREEN);
    }

    @Test
    void aThreeSecondCutOfBlue_isRecoveredByItself_andACutoverAfterwardsSucceeds() throws Exception {
        run("cutb", Fault.CUT_BLUE);
    }

    @Test
    void aCleanRestartOfBlue_isRecoveredByItself_andACutoverAfterwardsSucceeds() throws Exception {
        run("rstb", Fault.RESTART_BLUE);
    }

    @Test
    void aCleanRestartOfGreen_isRecoveredByItself_andACutoverAfterwardsSucceeds() throws Exception {
        run("rstg", Fault.RESTART_GREEN);
    }

    @Test
    void aCutOfGreenDuringACutover_abortsCleanlyOrCompletes_andTheStreamRecoversForTheRetry() throws Exception {
        run("cutc", Fault.CUT_GREEN_DURING_CUTOVER);
    }

    @Test
    void aReverseStreamStartedWhileItsSourceIsCut_recoversByItself_insteadOfFailing() throws Exception {
        new SelfHealingRuns(sides(), dialect()).reverseStartWhileItsSourceIsCut();
    }

    @Test
    void aCutoverWhoseReverseStreamStartsIntoACutOfGreen_flips_andTheReverseStreamRecoversByItself() throws Exception {
        new SelfHealingRuns(sides(), dialect()).aCutoverWhoseReverseStartMeetsACutOfGreen();
    }

    @Test
    void aFrozenSource_isTakenForStalled_andTheStreamRestartsItsEngine() throws Exception {
        new SelfHealingRuns(sides(), dialect()).aFrozenSourceIsTakenForStalled(STALL_TIMEOUT,
                onlyTheStallWatchNoticesAFrozenSource());
    }

    @Test
    void aThreeSecondCutOfGreen_underUnpacedWriters_isRecoveredByItself_losingNothing() throws Exception {
        new SelfHealingRuns(sides(), dialect()).aCutOfGreenUnderUnpacedWriters(WRITERS);
    }

    @Test
    void aThreeSecondCutOfGreen_underAFlatOutTpcbLoad_isRecoveredByItself_losingNoAcknowledgedTransaction() throws Exception {
        new TpcbFaultRuns(sides(), dialect(), WRITERS).run("tbg", TpcbFaultRuns.Fault.CUT_GREEN);
    }

    @Test
    void aThreeSecondCutOfBlue_underAFlatOutTpcbLoad_isRecoveredByItself_losingNoAcknowledgedTransaction() throws Exception {
        new TpcbFaultRuns(sides(), dialect(), WRITERS).run("tbb", TpcbFaultRuns.Fault.CUT_BLUE);
    }

    @Test
    void aCleanRestartOfBlue_underAFlatOutTpcbLoad_isRecoveredByItself_losingNoAcknowledgedTransaction() throws Exception {
        new TpcbFaultRuns(sides(), dialect(), WRITERS).run("tbr", TpcbFaultRuns.Fault.RESTART_BLUE);
    }

    @Test
    void aCutoverUnderAFlatOutTpcbLoad_rightAfterGreenRecoveredFromACut_flips_losingNoAcknowledgedTransaction()
            throws Exception {
        new TpcbFaultRuns(sides(), dialect(), WRITERS).run("tbc", TpcbFaultRuns.Fault.CUTOVER_AFTER_CUT_OF_GREEN);
    }

    @Test
    void anIdleHealthyStream_keepsHearingItsSource_andReportsNoLag() throws Exception {
        String table = "idle_item";
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, writer INT NOT NULL, seq BIGINT NOT NULL)");
        }
        ReplicationLink link = sides().link("idle", table).build();
        try {
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(30));
            // Nothing is written for longer than twice the heartbeat interval: heartbeats alone keep the stream heard.
            await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> link.stream().state() == State.STREAMING
                            && link.stream().lag().behind().compareTo(Duration.ofSeconds(5)) < 0);
        } finally {
            link.close();
        }
    }

    private void run(String prefix, Fault fault) throws Exception {
        String table = prefix + "_item";
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, writer INT NOT NULL, seq BIGINT NOT NULL)");
        }
        ReplicationLink link = sides().link(prefix, table).build();
        ReplicationLink reverse = null;
        List<String> moves = new CopyOnWriteArrayList<>();
        AtomicLong recoveredAtNanos = new AtomicLong();
        AtomicLong lostAtNanos = new AtomicLong();
        String duringCutover = "";
        link.stream().addListener((stream, from, to) -> {
            moves.add(from + "->" + to);
            if (to == State.RECOVERING) {
                lostAtNanos.compareAndSet(0, System.nanoTime());
            } else if (from == State.RECOVERING && to == State.STREAMING) {
                recoveredAtNanos.set(System.nanoTime());
            }
        });
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        FaultLoad load = null;
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides().app(Side.BLUE), sides().app(Side.GREEN))) {
            FaultLoad writes = new FaultLoad(sides(), switcher, table, WRITERS, true);
            load = writes;
            await().atMost(Duration.ofSeconds(60)).until(() -> writes.ackedCount() >= 300);
            ReplicationStream stream = link.stream();
            long faultAt = System.nanoTime();
            String refusedWhileRecovering = "not tried";
            if (fault != Fault.CUT_GREEN_DURING_CUTOVER) {
                switch (fault) {
                    case CUT_BLUE -> sides().cut(Side.BLUE, Duration.ofSeconds(3));
                    case CUT_GREEN -> sides().cut(Side.GREEN, Duration.ofSeconds(3));
                    case RESTART_BLUE -> sides().restart(Side.BLUE);
                    case RESTART_GREEN -> sides().restart(Side.GREEN);
                    default -> throw new AssertionError(fault);
                }
                if (fault == Fault.CUT_BLUE || fault == Fault.CUT_GREEN) {
                    // While the cut lasts the stream notices; while it recovers, lag is not zero and a cutover is refused.
                    try {
                        await().atMost(Duration.ofMillis(2_500)).pollInterval(Duration.ofMillis(10))
                                .until(() -> stream.state() == State.RECOVERING);
                    } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                        // noticed later (or by the connector's own reconnect): nothing to refuse now
                    }
                    if (stream.state() == State.RECOVERING) {
                        assertThat(stream.lag().behind()).as("lag while recovering").isPositive();
                        assertThat(stream.recovery()).isPresent();
                        try {
                            Cutover.builder().name(prefix + "-refused").switcher(switcher).link(link).build().execute();
                            refusedWhileRecovering = "NOT refused";
                        } catch (PreflightException e) {
                            assertThat(e.getMessage()).contains("is RECOVERING").contains("lost");
                            refusedWhileRecovering = "refused";
                        }
                        assertThat(refusedWhileRecovering).isEqualTo("refused");
                    }
                }
            }
            long faultEndedAt = fault == Fault.CUT_BLUE || fault == Fault.CUT_GREEN ? faultAt + 3_000_000_000L : System.nanoTime();
            if (fault == Fault.CUT_GREEN_DURING_CUTOVER) {
                faultAt = 0;
            } else {
                // The stream notices (the next batch or read fails), recovers by itself and catches up.
                long start = faultAt;
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> stream.state() == State.STREAMING
                        && (lostAtNanos.get() == 0 || recoveredAtNanos.get() > 0) && System.nanoTime() - start > 3_500_000_000L);
            }
            long lag0 = System.nanoTime();
            link.stream().awaitFence(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.lag().behind().compareTo(Duration.ofSeconds(1)) < 0);
            long caughtUpAt = System.nanoTime();
            assertThat(stream.state()).isEqualTo(State.STREAMING);
            assertThat(stream.failure()).isEmpty();

            // A cutover afterwards succeeds (bounded retries: a starved machine may abort one on its budget).
            int before = writes.ackedCount();
            await().atMost(Duration.ofSeconds(60)).until(() -> writes.ackedCount() >= before + 100);
            List<Long> ackedBefore = writes.acked();
            CutoverResult result = null;
            for (int attempt = 1; result == null; attempt++) {
                boolean cutDuring = fault == Fault.CUT_GREEN_DURING_CUTOVER && attempt == 1;
                // Cut mid-way, the first cutover has budgets shorter than the cut: it must abort, cleanly.
                Cutover cutover = Cutover.builder().name(prefix + "-after." + attempt).switcher(switcher).link(link)
                        .drainBudget(Duration.ofSeconds(2)).catchUpBudget(Duration.ofSeconds(cutDuring ? 1 : 10))
                        .totalBudget(Duration.ofSeconds(cutDuring ? 2 : 20))
                        .maxLagToStart(new Lag(1_000_000, Duration.ofSeconds(30)))
                        .listener(new io.cutover.CutoverListener() {
                            @Override
                            public void phaseStarted(String name, io.cutover.Phase phase) {
                                if (cutDuring && phase == io.cutover.Phase.CATCH_UP) {
                                    sides().cut(Side.GREEN, Duration.ofSeconds(3)); // writes are paused, the fence is on its way
                                }
                            }
                        })
                        .build();
                try {
                    result = cutover.execute();
                    reverse = cutover.reverseLink().orElseThrow();
                    assertThat(cutDuring).as("a cutover cut mid-way for longer than its budget flipped").isFalse();
                } catch (CutoverAbortedException | PreflightException e) {
                    assertThat(attempt).as("cutover after %s aborted %d times: %s", fault, attempt, e.getMessage()).isLessThan(3);
                    assertThat(switcher.current()).as("an abort leaves writes on blue").isEqualTo(Side.BLUE);
                    assertThat(link.stream().state()).as("forward stream after an abort").isNotEqualTo(State.FAILED);
                    if (cutDuring) {
                        assertThat(e).isInstanceOf(CutoverAbortedException.class);
                        duringCutover = "aborted cleanly (" + e.getMessage().lines().findFirst().orElse("")
                                + "), the forward stream " + link.stream().state() + "; the retry flipped";
                        // The forward stream recovers by itself and the retry succeeds.
                        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                                .until(() -> link.stream().state() == State.STREAMING);
                    }
                }
            }
            if (reverse.stream().state() != State.STREAMING) {
                // Started right after the flip, while green may still be cut: it recovers or was left to start.
                ReplicationLink r = reverse;
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                        .until(() -> r.stream().state() == State.STREAMING);
            }
            assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(switcher.current()).isEqualTo(Side.GREEN);
            assertThat(writes.missing(Side.GREEN, ackedBefore)).as("acknowledged before the cutover, missing on green").isEmpty();

            writes.close();
            reverse.stream().awaitFence(Duration.ofSeconds(60));

            // Nothing acknowledged lost, both sides equal, nothing there that no writer committed.
            writes.assertCompleteAndEqual(Side.GREEN);
            List<Long> allAcked = writes.acked();

            double recover = lostAtNanos.get() == 0 ? Double.NaN : (recoveredAtNanos.get() - lostAtNanos.get()) / 1e9;
            String report = fault == Fault.CUT_GREEN_DURING_CUTOVER ? String.format(Locale.ROOT,
                    "%s %s: the cutover %s; forward stream %s; %d acked, %d uncertain; moves %s", dialect(), fault,
                    duringCutover, lostAtNanos.get() == 0 ? "never left STREAMING"
                            : String.format(Locale.ROOT, "RECOVERING for %.1f s", recover),
                    allAcked.size(), writes.uncertainCount(), moves) : String.format(Locale.ROOT, "%s %s: fault took %.1f s; stream %s; back to STREAMING %.1f s after"
                    + " the fault began (%.1f s after it ended), lag < 1 s after %.1f s; cutover while recovering %s;"
                    + " %d acked, %d uncertain, %d writer failures; moves %s%s", dialect(), fault,
                    (faultEndedAt - faultAt) / 1e9,
                    lostAtNanos.get() == 0 ? "never left STREAMING" : String.format(Locale.ROOT, "RECOVERING for %.1f s", recover),
                    ((recoveredAtNanos.get() == 0 ? lag0 : recoveredAtNanos.get()) - faultAt) / 1e9,
                    Math.max(0, (recoveredAtNanos.get() == 0 ? lag0 : recoveredAtNanos.get()) - faultEndedAt) / 1e9,
                    (caughtUpAt - faultAt) / 1e9, refusedWhileRecovering, allAcked.size(), writes.uncertainCount(),
                    writes.failures(), moves,
                    duringCutover.isEmpty() ? "" : "; the cutover cut mid-way " + duringCutover);
            System.out.println(report);
            append(report);
        } finally {
            if (load != null) {
                load.close();
            }
            for (ReplicationLink l : reverse == null ? List.of(link) : List.of(link, reverse)) {
                l.close();
                l.sourceGuard().release();
                l.targetGuard().release();
            }
        }
        assertThat(sides().leftovers(Side.BLUE)).isEmpty();
        assertThat(sides().leftovers(Side.GREEN)).isEmpty();
    }

    private void append(String line) throws IOException {
        Path file = Path.of("target", dialect() + "-faults.txt");
        Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
