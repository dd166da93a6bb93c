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
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The faults of {@link FaultScenario} under a flat-out TPC-B-shaped load ({@link TpcbFaultLoad}):
 * a 3 s cut of green, a 3 s cut of blue, a clean restart of blue, and a cutover right after green
 * came back from a cut, each while unpaced writers commit four-statement transactions. After each
 * the stream must be STREAMING again by itself and catch up, and every acknowledged transaction
 * must be on green exactly once with both sides equal. The writers' tx/s, the time back to
 * STREAMING and to lag under a second (the reverse stream's, once a cutover flipped) are printed
 * and appended to {@code target/<dialect>-faults.txt}.
 */
final class TpcbFaultRuns {

    /** What happens to the servers while the writers run. */
    enum Fault {
        CUT_GREEN, CUT_BLUE, RESTART_BLUE, CUTOVER_AFTER_CUT_OF_GREEN
    }

    private static final Duration CUT = Duration.ofSeconds(3);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private final FaultScenario.FaultSides sides;
    private final String dialect;
    private final int writers;

    TpcbFaultRuns(FaultScenario.FaultSides sides, String dialect, int writers) {
        this.sides = sides;
        this.dialect = dialect;
        this.writers = writers;
    }

    /**
     * One case, whole: tables, link, writers, the fault, the recovery, the checks, the report.
     *
     * @param prefix the case's table prefix, unique in the test class
     * @param fault the fault
     */
    void run(String prefix, Fault fault) throws Exception {
        TpcbFaultLoad.Tables tables = TpcbFaultLoad.create(sides, prefix);
        ReplicationLink link = sides.link(prefix, tables.all()).initialCopy(false).build();
        SelfHealingRuns.Moves moves = new SelfHealingRuns.Moves();
        ReplicationStream stream = link.stream();
        stream.addListener(moves);
        ReplicationLink reverse = null;
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides.app(Side.BLUE), sides.app(Side.GREEN))) {
            stream.start();
            stream.awaitFence(Duration.ofSeconds(30));
            try (TpcbFaultLoad load = new TpcbFaultLoad(sides, switcher, tables, writers)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> load.ackedCount() >= 500);
                int a0 = load.ackedCount();
                long t0 = System.nanoTime();
                await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
                double txBefore = (load.ackedCount() - a0) / ((System.nanoTime() - t0) / 1e9);
                Duration lagBefore = stream.lag().behind();

                int ackedAtFault = load.ackedCount();
                long faultAt = System.nanoTime();
                // What the stream says while the fault lasts: its lag must grow while it cannot read.
                AtomicLong worstLagMillis = new AtomicLong();
                AtomicBoolean faultOver = new AtomicBoolean();
                Thread sampler = new Thread(() -> {
                    while (!faultOver.get()) {
                        worstLagMillis.accumulateAndGet(stream.lag().behind().toMillis(), Math::max);
                        LockSupport.parkNanos(20_000_000L);
                    }
                }, "lag-sampler");
                sampler.start();
                switch (fault) {
                    case CUT_GREEN, CUTOVER_AFTER_CUT_OF_GREEN -> sides.cut(Side.GREEN, CUT);
                    case CUT_BLUE -> sides.cut(Side.BLUE, CUT);
                    case RESTART_BLUE -> sides.restart(Side.BLUE);
                    default -> throw new AssertionError(fault);
                }
                long minimum = fault == Fault.RESTART_BLUE ? 0 : CUT.toNanos() + 500_000_000L;
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                        .until(() -> stream.state() == State.STREAMING && System.nanoTime() - faultAt > minimum
                                && (moves.lostAt.get() == 0 || moves.recoveredAt.get() > 0));
                long streamingAt = System.nanoTime();
                Duration lagAtStreaming = stream.lag().behind();
                faultOver.set(true);
                sampler.join();

                String cutover = "";
                if (fault == Fault.CUTOVER_AFTER_CUT_OF_GREEN) {
                    Flipped flipped = cutOver(prefix, switcher, link, load);
                    reverse = flipped.cutover().reverseLink().orElseThrow();
                    cutover = "; " + flipped.outcome();
                    ReplicationStream back = reverse.stream();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                            .until(() -> back.state() == State.STREAMING);
                }
                ReplicationStream watched = reverse == null ? stream : reverse.stream();
                // The writers must be committing again (a restart broke their connections) for lag under load to mean anything.
                int ackedAtStreaming = load.ackedCount();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> load.ackedCount() >= ackedAtStreaming + 500);
                long writingAt = System.nanoTime();
                long caughtUpUnderLoad = firstTime(() -> watched.lag().behind().compareTo(ONE_SECOND) < 0,
                        Duration.ofSeconds(30));
                double txDuring = (load.ackedCount() - ackedAtFault) / ((System.nanoTime() - faultAt) / 1e9);

                load.close();
                long stoppedAt = System.nanoTime();
                // Bounded well under the two-minute silent stall issue 13 saw: a stream that stalls fails here.
                watched.awaitFence(Duration.ofSeconds(60));
                long caughtUpAfterStop = firstTime(() -> watched.lag().behind().compareTo(ONE_SECOND) < 0,
                        Duration.ofSeconds(60));
                assertThat(caughtUpAfterStop).as("lag back under 1 s once the writers stopped").isPositive();
                assertThat(stream.failure()).as("forward stream's failure").isEmpty();
                assertThat(watched.state()).isEqualTo(State.STREAMING);
                load.assertCompleteAndEqual(Side.GREEN);

                report(String.format(Locale.ROOT, "%s TPCB_%s (%d unpaced writers, 1 branch, 10 tellers, %d accounts):"
                        + " %.0f tx/s before the fault (lag %d ms), %.0f tx/s from the fault to the checks; STREAMING %.1f s"
                        + " after the fault began (worst lag seen until then %.1f s, lag then %.1f s); 500 more commits after STREAMING by %.1f s after it; lag < 1 s under load %s; after the writers stopped"
                        + " the fence took %.1f s; %d acked, %d uncertain, %d retried (deadlock/serialization),"
                        + " %d writer failures; moves %s%s", dialect, fault, writers, TpcbFaultLoad.ACCOUNTS, txBefore,
                        lagBefore.toMillis(), txDuring, (streamingAt - faultAt) / 1e9, worstLagMillis.get() / 1e3, lagAtStreaming.toMillis() / 1e3,
                        (writingAt - faultAt) / 1e9,
                        caughtUpUnderLoad == 0 ? "NOT reached within 30 s of those 500 commits"
                                : String.format(Locale.ROOT, "%.1f s after the fault began", (caughtUpUnderLoad - faultAt) / 1e9),
                        (caughtUpAfterStop - stoppedAt) / 1e9, load.ackedCount(), load.uncertainCount(), load.retried(),
                        load.failures(), moves.seen, cutover));
            }
        } finally {
            SelfHealingRuns.closeAndLift(link, reverse);
        }
        assertThat(sides.leftovers(Side.BLUE)).isEmpty();
        assertThat(sides.leftovers(Side.GREEN)).isEmpty();
    }

    /** A cutover that flipped, and how it went. */
    private record Flipped(Cutover cutover, String outcome) {
    }

    /**
     * Cuts over while the writers run, as soon as the stream streams again: a busy source may
     * abort an attempt on its budget (reported, then retried once lag is under a second), at most three.
     */
    private Flipped cutOver(String prefix, ConnectionSwitcher switcher, ReplicationLink link, TpcbFaultLoad load)
            throws Exception {
        StringBuilder aborts = new StringBuilder();
        for (int attempt = 1; ; attempt++) {
            Cutover cutover = Cutover.builder().name(prefix + "." + attempt).switcher(switcher).link(link)
                    .drainBudget(Duration.ofSeconds(2)).catchUpBudget(Duration.ofSeconds(10)).totalBudget(Duration.ofSeconds(20))
                    .maxLagToStart(new Lag(10_000_000, Duration.ofSeconds(60)))
                    .build();
            try {
                CutoverResult result = cutover.execute();
                assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
                assertThat(switcher.current()).isEqualTo(Side.GREEN);
                return new Flipped(cutover, String.format(Locale.ROOT, "cutover flipped on attempt %d, write pause %d ms%s",
                        attempt, result.writePause().toMillis(), aborts));
            } catch (CutoverAbortedException | PreflightException e) {
                assertThat(attempt).as("cutover under load aborted %d times: %s", attempt, e.getMessage()).isLessThan(3);
                assertThat(switcher.current()).as("an abort leaves writes on blue").isEqualTo(Side.BLUE);
                assertThat(link.stream().state()).as("forward stream after an abort").isNotEqualTo(State.FAILED);
                aborts.append(String.format(Locale.ROOT, " (attempt %d, %d acked by then: %s)", attempt,
                        load.ackedCount(), e.getMessage().lines().findFirst().orElse("")));
                firstTime(() -> link.stream().state() == State.STREAMING
                        && link.stream().lag().behind().compareTo(ONE_SECOND) < 0, Duration.ofSeconds(30));
            }
        }
    }

    /** When {@code condition} first held, polled every 50 ms until {@code within}; 0 if it never did. */
    private static long firstTime(BooleanSupplier condition, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            if (System.nanoTime() > until) {
                return 0;
            }
            await().pollDelay(Duration.ofMillis(50)).atMost(ONE_SECOND).until(() -> true);
        }
    }

    private void report(String line) throws IOException {
        System.out.println(line);
        Files.writeString(Path.of("target", dialect + "-faults.txt"), line + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
