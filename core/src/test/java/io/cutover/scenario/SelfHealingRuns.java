package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.ReplicationStream.State;
import io.cutover.Side;
import io.cutover.StreamStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The self-healing cases of {@link FaultScenario}, each a whole run: a reverse stream started
 * while its source is cut, a source that goes silent without an error (a frozen proxy), and a cut
 * of green under writers that do not pace themselves. Each prints one line of numbers and appends
 * it to {@code target/<dialect>-faults.txt}.
 */
final class SelfHealingRuns {

    private static final String COLUMNS = " (id BIGINT PRIMARY KEY, writer INT NOT NULL, seq BIGINT NOT NULL)";

    private final FaultScenario.FaultSides sides;
    private final String dialect;

    SelfHealingRuns(FaultScenario.FaultSides sides, String dialect) {
        this.sides = sides;
        this.dialect = dialect;
    }

    /** Moves a stream makes, and when it left and came back to STREAMING. */
    static final class Moves implements ReplicationStream.StateListener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final AtomicLong lostAt = new AtomicLong();
        final AtomicLong recoveredAt = new AtomicLong();

        @Override
        public void stateChanged(ReplicationStream stream, State from, State to) {
            seen.add(from + "->" + to);
            if (to == State.RECOVERING) {
                lostAt.compareAndSet(0, System.nanoTime());
            } else if (from == State.RECOVERING && to == State.STREAMING) {
                recoveredAt.set(System.nanoTime());
            }
        }

        double recoveringSeconds() {
            return lostAt.get() == 0 || recoveredAt.get() == 0 ? Double.NaN : (recoveredAt.get() - lostAt.get()) / 1e9;
        }
    }

    /**
     * A reverse stream (as a cutover prepares it) started while its source, green, is cut: the
     * start does not throw, the stream is RECOVERING and shows it, then streams by itself once the
     * cut is over, and green's writes reach blue.
     */
    void reverseStartWhileItsSourceIsCut() throws Exception {
        String table = "rvs_item";
        for (Side side : Side.values()) {
            sides.exec(side, "CREATE TABLE " + table + COLUMNS);
        }
        ReplicationLink link = sides.link("rvs", table).initialCopy(false).build();
        ReplicationLink reverse = null;
        try {
            reverse = link.prepareReverse();
            ReplicationStream stream = reverse.stream();
            Moves moves = new Moves();
            stream.addListener(moves);
            sides.cut(Side.GREEN, Duration.ofSeconds(3));
            long startedAt = System.nanoTime();
            stream.start(); // a cutover calls this right after its flip; it must not fail for good
            long returnedAt = System.nanoTime();
            assertThat(stream.state()).as("a reverse stream whose source is cut, after start()").isEqualTo(State.RECOVERING);
            assertThat(stream.failure()).isEmpty();
            assertThat(stream.recovery()).isPresent();
            StreamStatus.Recovering shown = stream.status().recovery();
            assertThat(shown).as("the status shows the recovery").isNotNull();
            assertThat(shown.lost()).isEqualTo("green");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stream.state() == State.STREAMING);
            long streamingAt = System.nanoTime();
            assertThat(stream.status().recovery()).isNull();

            List<Long> ids = new ArrayList<>();
            try (Connection c = sides.app(Side.GREEN).getConnection();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
                for (long id = 1; id <= 100; id++) {
                    ps.setLong(1, id);
                    ps.setInt(2, 1);
                    ps.setLong(3, id);
                    ps.executeUpdate();
                    ids.add(id);
                }
            }
            stream.awaitFence(Duration.ofSeconds(60));
            assertThat(missing(Side.BLUE, table, ids)).as("written on green, missing on blue").isEmpty();
            report(String.format(Locale.ROOT, "%s REVERSE_START_WHILE_GREEN_CUT: start() returned in %d ms (%s), streaming"
                    + " %.1f s after the start; moves %s", dialect, (returnedAt - startedAt) / 1_000_000, "RECOVERING",
                    (streamingAt - startedAt) / 1e9, moves.seen));
        } finally {
            closeAndLift(reverse, link);
        }
        assertThat(sides.leftovers(Side.BLUE)).isEmpty();
        assertThat(sides.leftovers(Side.GREEN)).isEmpty();
    }

    /**
     * A cutover under writers whose green is cut for 3 s as writes resume, so its reverse stream
     * starts right after the flip while its source is unreachable: the cutover still flips, says
     * the reverse stream is RECOVERING, and that stream streams by itself once the cut is over;
     * nothing acknowledged is lost and both sides end equal.
     */
    void aCutoverWhoseReverseStartMeetsACutOfGreen() throws Exception {
        String table = "rvc_item";
        for (Side side : Side.values()) {
            sides.exec(side, "CREATE TABLE " + table + COLUMNS);
        }
        ReplicationLink link = sides.link("rvc", table).build();
        ReplicationLink reverse = null;
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides.app(Side.BLUE), sides.app(Side.GREEN))) {
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(30));
            try (FaultLoad writes = new FaultLoad(sides, switcher, table, FaultScenario.WRITERS, true)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> writes.ackedCount() >= 300);
                Cutover cutover = Cutover.builder().name("rvc").switcher(switcher).link(link)
                        .drainBudget(Duration.ofSeconds(2)).catchUpBudget(Duration.ofSeconds(10)).totalBudget(Duration.ofSeconds(20))
                        .maxLagToStart(new Lag(1_000_000, Duration.ofSeconds(30)))
                        .listener(new CutoverListener() {
                            @Override
                            public void phaseStarted(String name, Phase phase) {
                                if (phase == Phase.RESUME) {
                                    sides.cut(Side.GREEN, Duration.ofSeconds(3)); // the reverse stream starts next
                                }
                            }
                        })
                        .build();
                long flipAt = System.nanoTime();
                CutoverResult result = cutover.execute();
                reverse = cutover.reverseLink().orElseThrow();
                assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
                ReplicationStream stream = reverse.stream();
                State afterFlip = stream.state();
                String check = result.checks().stream().filter(c -> c.startsWith("reverse stream")).findFirst().orElse("");
                assertThat(afterFlip).as("the reverse stream right after a flip into a cut").isIn(State.RECOVERING, State.STREAMING);
                if (afterFlip == State.RECOVERING) {
                    assertThat(check).contains("is RECOVERING");
                }
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                        .until(() -> stream.state() == State.STREAMING);
                long streamingAt = System.nanoTime();
                writes.close();
                stream.awaitFence(Duration.ofSeconds(60));
                writes.assertCompleteAndEqual(Side.GREEN);
                report(String.format(Locale.ROOT, "%s CUTOVER_REVERSE_START_INTO_CUT: flipped (pause %d ms), reverse stream %s"
                        + " right after, streaming %.1f s after execute() began; check \"%s\"; %d acked, %d uncertain",
                        dialect, result.writePause().toMillis(), afterFlip, (streamingAt - flipAt) / 1e9, check,
                        writes.ackedCount(), writes.uncertainCount()));
            }
        } finally {
            closeAndLift(link, reverse);
        }
        assertThat(sides.leftovers(Side.BLUE)).isEmpty();
        assertThat(sides.leftovers(Side.GREEN)).isEmpty();
    }

    /**
     * Blue's proxy stops forwarding without closing anything while writers run: the stream hears
     * nothing, and its stall watch restarts its engine through the recovery (RECOVERING, with
     * a message that says so); once the proxy forwards again the stream streams, and nothing
     * acknowledged is lost.
     *
     * @param stallTimeout the stall bound the link is built with
     * @param watchAlone whether only the stall watch can notice (the engine raises no error of its own)
     */
    void aFrozenSourceIsTakenForStalled(Duration stallTimeout, boolean watchAlone) throws Exception {
        String table = "stl_item";
        for (Side side : Side.values()) {
            sides.exec(side, "CREATE TABLE " + table + COLUMNS);
        }
        ReplicationLink link = sides.link("stl", stallTimeout, table).build();
        Moves moves = new Moves();
        link.stream().addListener(moves);
        ReplicationStream stream = link.stream();
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides.app(Side.BLUE), sides.app(Side.GREEN))) {
            stream.start();
            stream.awaitFence(Duration.ofSeconds(30));
            try (FaultLoad writes = new FaultLoad(sides, switcher, table, FaultScenario.WRITERS, true)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> writes.ackedCount() >= 300);
                long frozenAt = System.nanoTime();
                sides.freeze(Side.BLUE);
                String cause;
                long noticedAt;
                try {
                    await().atMost(stallTimeout.plusSeconds(30)).pollInterval(Duration.ofMillis(20))
                            .until(() -> stream.state() == State.RECOVERING);
                    noticedAt = System.nanoTime();
                    cause = String.valueOf(stream.recovery().map(r -> r.lastError().getMessage()).orElse(null));
                    assertThat(stream.lag().behind()).as("lag while recovering").isPositive();
                } finally {
                    sides.thaw(Side.BLUE);
                }
                if (watchAlone) {
                    assertThat(cause).contains("heard nothing from blue").contains("stallTimeout");
                }
                assertThat((noticedAt - frozenAt) / 1e9).as("seconds until the silence was noticed")
                        .isGreaterThanOrEqualTo(watchAlone ? stallTimeout.toSeconds() - 1 : 0);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                        .until(() -> stream.state() == State.STREAMING && moves.recoveredAt.get() > 0);
                long streamingAt = System.nanoTime();
                writes.close();
                stream.awaitFence(Duration.ofSeconds(60));
                writes.assertCompleteAndEqual(Side.GREEN);
                report(String.format(Locale.ROOT, "%s FREEZE_BLUE (stallTimeout %d s): noticed %.1f s after the freeze (%s);"
                        + " streaming %.1f s after the thaw; %d acked, %d uncertain; moves %s", dialect, stallTimeout.toSeconds(),
                        (noticedAt - frozenAt) / 1e9, cause, (streamingAt - noticedAt) / 1e9, writes.ackedCount(),
                        writes.uncertainCount(), moves.seen));
            }
        } finally {
            link.close();
            link.sourceGuard().release();
            link.targetGuard().release();
        }
        assertThat(sides.leftovers(Side.BLUE)).isEmpty();
        assertThat(sides.leftovers(Side.GREEN)).isEmpty();
    }

    /**
     * A 3 s cut of green while {@code writers} writers commit as fast as they can: the stream
     * recovers by itself, nothing acknowledged is lost, both sides end equal. How long it takes to
     * catch up (under load, then once the writers stop) is reported, not asserted.
     *
     * @param writers how many unpaced writers
     */
    void aCutOfGreenUnderUnpacedWriters(int writers) throws Exception {
        String table = "fo_item";
        for (Side side : Side.values()) {
            sides.exec(side, "CREATE TABLE " + table + COLUMNS);
        }
        ReplicationLink link = sides.link("fo", table).build();
        Moves moves = new Moves();
        link.stream().addListener(moves);
        ReplicationStream stream = link.stream();
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides.app(Side.BLUE), sides.app(Side.GREEN))) {
            stream.start();
            stream.awaitFence(Duration.ofSeconds(30));
            try (FaultLoad writes = new FaultLoad(sides, switcher, table, writers, false)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> writes.ackedCount() >= 1000);
                int a0 = writes.ackedCount();
                long t0 = System.nanoTime();
                await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
                double txPerSecond = (writes.ackedCount() - a0) / ((System.nanoTime() - t0) / 1e9);
                Duration lagBefore = stream.lag().behind();
                long cutAt = System.nanoTime();
                sides.cut(Side.GREEN, Duration.ofSeconds(3));
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                        .until(() -> stream.state() == State.STREAMING && System.nanoTime() - cutAt > 3_500_000_000L
                                && (moves.lostAt.get() == 0 || moves.recoveredAt.get() > 0));
                long streamingAt = System.nanoTime();
                Duration lagAtRecovery = stream.lag().behind();
                // Under the same load: does the lag come back under a second within 30 s?
                long underLoadCaughtUp = 0;
                long until = System.nanoTime() + 30_000_000_000L;
                Duration worst = lagAtRecovery;
                while (System.nanoTime() < until) {
                    Duration lag = stream.lag().behind();
                    worst = lag.compareTo(worst) > 0 ? lag : worst;
                    if (lag.compareTo(Duration.ofSeconds(1)) < 0) {
                        underLoadCaughtUp = System.nanoTime();
                        break;
                    }
                    await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
                }
                Duration lagAtEnd = stream.lag().behind();
                writes.close();
                long stoppedAt = System.nanoTime();
                stream.awaitFence(Duration.ofSeconds(180));
                long drainedAt = System.nanoTime();
                assertThat(stream.state()).isEqualTo(State.STREAMING);
                writes.assertCompleteAndEqual(Side.GREEN);
                report(String.format(Locale.ROOT, "%s CUT_GREEN_UNPACED (%d writers, %.0f tx/s before the cut, lag %d ms):"
                        + " RECOVERING for %.1f s, streaming %.1f s after the cut began, lag then %.1f s; under load lag < 1 s %s"
                        + " (worst %.1f s, %.1f s at the end of the 30 s window); after the writers stopped the fence took %.1f s;"
                        + " %d acked, %d uncertain, %d writer failures; moves %s", dialect, writers, txPerSecond,
                        lagBefore.toMillis(), moves.recoveringSeconds(), (streamingAt - cutAt) / 1e9,
                        lagAtRecovery.toMillis() / 1e3, underLoadCaughtUp == 0 ? "NOT reached within 30 s"
                                : String.format(Locale.ROOT, "%.1f s after recovering", (underLoadCaughtUp - streamingAt) / 1e9),
                        worst.toMillis() / 1e3, lagAtEnd.toMillis() / 1e3, (drainedAt - stoppedAt) / 1e9, writes.ackedCount(),
                        writes.uncertainCount(), writes.failures(), moves.seen));
            }
        } finally {
            link.close();
            link.sourceGuard().release();
            link.targetGuard().release();
        }
        assertThat(sides.leftovers(Side.BLUE)).isEmpty();
        assertThat(sides.leftovers(Side.GREEN)).isEmpty();
    }

    private List<Long> missing(Side side, String table, List<Long> ids) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = sides.app(side).getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
            for (Long id : ids) {
                ps.setLong(1, id);
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        out.add(id);
                    }
                }
            }
        }
        return out;
    }

    private void report(String line) throws IOException {
        System.out.println(line);
        Files.writeString(Path.of("target", dialect + "-faults.txt"), line + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Closes each link in this order (nulls skipped) and lifts both its guards, as a test's teardown. */
    static void closeAndLift(ReplicationLink... links) {
        for (ReplicationLink l : links) {
            if (l != null) {
                l.close();
                l.sourceGuard().release();
                l.targetGuard().release();
            }
        }
    }
}
