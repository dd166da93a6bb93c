package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.ReplicationStream.State;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write pause at the flip: a paced write load through a {@link ConnectionSwitcher} over two
 * HikariCP pools, and cutovers back and forth (blue to green, green to blue, ...) with a second of
 * load between them. Records each flipped run's write pause and phase durations.
 */
final class FlipPauseBench {
    private static final Logger LOG = LoggerFactory.getLogger(FlipPauseBench.class);
    static final String TABLE = "bench_flip";
    private static final long ROWS = 10_000;

    /**
     * Write pauses in ms, each phase's durations in ms, aborted runs, and the load; with
     * {@code baseline}, the same for the flips run with the reverse set up wholly inside the pause
     * ({@link ReverseInPause}), alternating with the others.
     */
    record Result(List<Double> pauseMs, Map<Phase, List<Double>> phaseMs, int aborted, double loadTxPerSecond,
            long failedWrites, List<Double> baselinePauseMs, Map<Phase, List<Double>> baselinePhaseMs) {
    }

    private FlipPauseBench() {
    }

    static Result run(PgPair pair, int cutovers, int txPerSecond) throws Exception {
        return run(pair, cutovers, txPerSecond, false);
    }

    /**
     * Runs the flips; with {@code baseline}, every other flip prepares its reverse wholly inside
     * the pause, and {@code cutovers} flips of each kind are recorded.
     */
    static Result run(PgPair pair, int cutovers, int txPerSecond, boolean baseline) throws Exception {
        for (var ds : List.of(pair.blueAdmin(), pair.greenAdmin())) {
            Sql.exec(ds, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, k integer NOT NULL, v text NOT NULL,"
                    + " at timestamptz NOT NULL)");
        }
        Sql.exec(pair.blueAdmin(), "INSERT INTO " + TABLE + " SELECT g, 0, md5(g::text), now()"
                + " FROM generate_series(1, " + ROWS + ") g");
        List<Double> pauses = new ArrayList<>();
        Map<Phase, List<Double>> phases = new EnumMap<>(Phase.class);
        List<Double> basePauses = new ArrayList<>();
        Map<Phase, List<Double>> basePhases = new EnumMap<>(Phase.class);
        int aborted = 0;
        ReplicationLink link = pair.link("flip", true, TABLE);
        try (HikariDataSource blue = pair.pool(Side.BLUE, 4);
                HikariDataSource green = pair.pool(Side.GREEN, 4);
                ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green)) {
            link.stream().start();
            Streams.awaitRunning(link.stream(), Duration.ofMinutes(2));
            link.stream().awaitFence(Duration.ofMinutes(2));
            SteadyLoad load = SteadyLoad.start(switcher, TABLE, ROWS, 4, txPerSecond);
            long loadStart = System.nanoTime();
            long committed;
            try {
                int attempts = 0;
                int total = baseline ? cutovers * 2 : cutovers;
                while (pauses.size() + basePauses.size() < total && attempts++ < total * 2) {
                    // In pairs (N B B N N B ...), so that each kind flips both ways as often.
                    boolean inPause = baseline && (attempts / 2) % 2 == 1;
                    awaitStreaming(link);
                    Thread.sleep(1000);
                    Cutover cutover = Cutover.builder()
                            .name("bench-flip-" + attempts)
                            .switcher(switcher)
                            .link(inPause ? new ReverseInPause(link) : link)
                            .drainBudget(Duration.ofMillis(500))
                            .catchUpBudget(Duration.ofSeconds(5))
                            .totalBudget(Duration.ofSeconds(8))
                            .maxLagToStart(new Lag(50_000, Duration.ofSeconds(10)))
                            .build();
                    try {
                        CutoverResult r = cutover.execute();
                        (inPause ? basePauses : pauses).add(r.writePause().toNanos() / 1e6);
                        r.phases().forEach(p -> (inPause ? basePhases : phases).computeIfAbsent(p.phase(),
                                k -> new ArrayList<>()).add(p.duration().toNanos() / 1e6));
                        LOG.info("flip {}{} {} -> {}: write pause {} ms; {}", attempts, inPause ? " (reverse in the pause)" : "",
                                r.from(), r.to(), String.format("%.1f", r.writePause().toNanos() / 1e6), r.phases());
                        link = cutover.reverseLink().orElseThrow();
                    } catch (CutoverAbortedException | io.cutover.PreflightException e) {
                        // A stream still slow to apply (just started, a starved machine) makes preflight refuse
                        // rather than pause: counted with the aborts, and tried again after the next second.
                        aborted++;
                        LOG.warn("cutover {}: {}", e instanceof CutoverAbortedException ? "aborted" : "refused", e.getMessage());
                    }
                }
                committed = load.committed();
            } finally {
                load.close();
            }
            double rate = committed / ((System.nanoTime() - loadStart) / 1e9);
            return new Result(pauses, phases, aborted, rate, load.failed(), basePauses, basePhases);
        } finally {
            try {
                link.targetGuard().release();
            } finally {
                link.close();
            }
        }
    }

    private static void awaitStreaming(ReplicationLink link) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (link.stream().state() != State.STREAMING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
