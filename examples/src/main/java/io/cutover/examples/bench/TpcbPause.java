package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverException;
import io.cutover.CutoverResult;
import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream.State;
import io.cutover.Side;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write pause under the unthrottled TPC-B load, for Cutover and for a native baseline.
 *
 * <p>Cutover: a blue-to-green link, then {@code cutovers} attempts back and forth (each flip's
 * reverse link carries the next), one second of load before each. A flip records its write pause
 * and phases; a refusal ({@link PreflightException}, e.g. the stream did not apply a fence within
 * catchUpBudget) and an abort are counted with their reasons: under a load the stream cannot keep
 * up with, refusals are the result.
 *
 * <p>Native: a subscription each way ({@code origin = none}, so nothing loops), and the gate an
 * application would build with the library's {@code WritePauser} (the switcher's): pause writes,
 * write a marker row on the live side, wait until it is on the other, move the history sequence
 * past the live side's, flip the switcher, resume. The pause is timed from before {@code pause()}
 * to after {@code resume()}.
 */
final class TpcbPause {
    private static final Logger LOG = LoggerFactory.getLogger(TpcbPause.class);
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final Duration DRAIN = Duration.ofMillis(500);
    private static final Duration CATCH_UP = Duration.ofSeconds(5);

    /** Pauses in ms of the flips that happened, step durations in ms, refusals and aborts with reasons, the load. */
    record Result(String side, List<Double> pauseMs, Map<String, List<Double>> stepMs, int refused, int aborted,
            List<String> reasons, double loadTxPerSecond, long failedTx, List<String> perCutover) {
    }

    /** One way of building the cutovers, alternated with the others in one run. */
    record Variant(String name, java.util.function.UnaryOperator<Cutover.Builder> settings) {
    }

    // What one variant collected over the run.
    private static final class Tally {
        final List<Double> pauses = new ArrayList<>();
        final Map<String, List<Double>> steps = new LinkedHashMap<>();
        final List<String> reasons = new ArrayList<>();
        final List<String> lines = new ArrayList<>();
        int refused;
        int aborted;
    }

    private TpcbPause() {
    }

    static List<Result> cutover(PgPair pair, TpcbTables tables, int writers, int cutovers, List<Variant> variants)
            throws Exception {
        tables.reload(pair.blueAdmin());
        tables.reload(pair.greenAdmin());
        Map<Variant, Tally> tallies = new LinkedHashMap<>();
        variants.forEach(v -> tallies.put(v, new Tally()));
        ReplicationLink link = pair.link("tpcbflip", false, TpcbTables.ALL);
        try (HikariDataSource blue = pair.pool(Side.BLUE, writers);
                HikariDataSource green = pair.pool(Side.GREEN, writers);
                ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green)) {
            link.stream().start();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);
            long t0 = System.nanoTime();
            TpcbLoad load = TpcbLoad.start(switcher, tables, writers);
            try {
                // A B B A A B B ...: each variant gets both directions (a flip reverses the next one); a refused
                // attempt is tried again (at most 3 times a flip) so that each variant gets its flips
                int n = 0;
                for (int i = 1; i <= 3 * cutovers * variants.size()
                        && tallies.values().stream().anyMatch(x -> x.pauses.size() < cutovers); i++) {
                    Variant variant = variants.get((n + n / variants.size()) % variants.size());
                    Tally t = tallies.get(variant);
                    awaitStreaming(link);
                    Thread.sleep(1000); // a second of load between flips, as FlipPauseBench does
                    awaitLagUnder(link, Duration.ofSeconds(4)); // a stream just started after a flip is seconds behind
                    String lagBefore = link.stream().status().lag().toString();
                    PauseProbe probe = new PauseProbe(link.stream(), link.source() == Side.BLUE ? pair.blueAdmin() : pair.greenAdmin());
                    Cutover cutover = variant.settings().apply(Cutover.builder()
                            .name("tpcb-flip-" + i)
                            .switcher(switcher)
                            .link(link)
                            .drainBudget(DRAIN)
                            .catchUpBudget(CATCH_UP)
                            .totalBudget(Duration.ofSeconds(8))
                            .listener(probe))
                            .build();
                    try {
                        CutoverResult r = cutover.execute();
                        if (r.outcome() != CutoverResult.Outcome.FLIPPED) {
                            t.aborted++;
                            t.reasons.add("not flipped (" + r.outcome() + "): " + r.abortReason());
                            continue;
                        }
                        t.pauses.add(r.writePause().toNanos() / 1e6);
                        r.phases().forEach(p -> t.steps.computeIfAbsent(p.phase().name(), k -> new ArrayList<>())
                                .add(p.duration().toNanos() / 1e6));
                        t.lines.add(line(i, r, probe.snapshot()));
                        n++;
                        LOG.info("TPC-B flip {} ({}) {} -> {}: write pause {} ms (lag before: {})", i, variant.name(), r.from(),
                                r.to(), String.format("%.1f", r.writePause().toNanos() / 1e6), lagBefore);
                        link = cutover.reverseLink().orElseThrow();
                    } catch (PreflightException e) {
                        t.refused++;
                        t.reasons.add("refused (lag before " + lagBefore + "): " + e.getMessage());
                        LOG.warn("TPC-B cutover {} refused: {}", i, e.getMessage());
                    } catch (CutoverException e) {
                        t.aborted++;
                        t.reasons.add("aborted (lag before " + lagBefore + "): " + e.getMessage());
                        LOG.warn("TPC-B cutover {} aborted: {}", i, e.getMessage());
                    }
                }
            } finally {
                load.close();
            }
            double rate = load.committed() / ((System.nanoTime() - t0) / 1e9);
            List<Result> out = new ArrayList<>();
            tallies.forEach((v, t) -> out.add(new Result("Cutover, " + v.name(), t.pauses, t.steps, t.refused, t.aborted,
                    t.reasons, rate, load.failed(), t.lines)));
            return out;
        } finally {
            Streams.release(link);
        }
    }

    // A markdown row: the flip, its pause and catch-up, and where the changes it waited for were.
    private static String line(int i, CutoverResult r, PauseProbe.Snapshot s) {
        double catchUp = r.phases().stream().filter(p -> p.phase() == io.cutover.Phase.CATCH_UP)
                .mapToDouble(p -> p.duration().toNanos() / 1e6).sum();
        double preflight = r.phases().stream().filter(p -> p.phase() == io.cutover.Phase.PREFLIGHT)
                .mapToDouble(p -> p.duration().toNanos() / 1e6).sum();
        String gate = r.checks().stream().filter(c -> c.startsWith("pause gate")).findFirst()
                .map(c -> c.startsWith("pause gate missed") ? "missed"
                        : c.substring(c.indexOf("applied in ") + "applied in ".length()).replace(" (at most 30 ms)", ""))
                .orElse("-");
        if (s == null) {
            return String.format("| %d | %s | %.1f | %.1f | %.0f | %s | - | - | - | - | - | - | - |", i, r.from(),
                    r.writePause().toNanos() / 1e6, catchUp, preflight, gate);
        }
        return String.format("| %d | %s | %.1f | %.1f | %.0f | %s | %d | %d | %d | %d | %,d | %,d | %,d |", i, r.from(),
                r.writePause().toNanos() / 1e6, catchUp, preflight, gate, s.lagMs(), s.behindSourceMs(), s.queued(), s.batchEvents(),
                s.unsentBytes(), s.undecodedBytes(), s.unappliedBytes());
    }

    /** The header of {@link #line}'s rows. */
    static final String LINE_HEADER = "| # | from | pause (ms) | CATCH_UP | PREFLIGHT | gate | stream lag (ms) | Debezium behind source (ms)"
            + " | in Debezium's queue | in our batch | WAL unsent by walsender (bytes) | sent, not decoded | decoded, not committed on target |%n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|%n";

    static Result nativeGate(PgPair pair, TpcbTables tables, int writers, int flips) throws Exception {
        tables.reload(pair.blueAdmin());
        tables.reload(pair.greenAdmin());
        String pub = "tpcb_gate_pub";
        String all = String.join(", ", TpcbTables.ALL);
        Sql.exec(pair.blueAdmin(), "CREATE PUBLICATION " + pub + " FOR TABLE " + all);
        Sql.exec(pair.greenAdmin(), "CREATE PUBLICATION " + pub + " FOR TABLE " + all);
        Sql.exec(pair.greenAdmin(), "CREATE SUBSCRIPTION tpcb_gate_b2g CONNECTION '" + pair.blueConnInfo()
                + "' PUBLICATION " + pub + " WITH (copy_data = false, origin = none)");
        Sql.exec(pair.blueAdmin(), "CREATE SUBSCRIPTION tpcb_gate_g2b CONNECTION '" + pair.greenConnInfo()
                + "' PUBLICATION " + pub + " WITH (copy_data = false, origin = none)");
        List<Double> pauses = new ArrayList<>();
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        int aborted = 0;
        long marker = 0;
        try (HikariDataSource blue = pair.pool(Side.BLUE, writers);
                HikariDataSource green = pair.pool(Side.GREEN, writers);
                ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green)) {
            // both subscriptions live before the load: a marker each way
            gate(pair, switcher, Side.BLUE, Side.GREEN, ++marker, steps, false);
            gate(pair, switcher, Side.GREEN, Side.BLUE, ++marker, steps, false);
            steps.clear();
            long t0 = System.nanoTime();
            TpcbLoad load = TpcbLoad.start(switcher, tables, writers);
            try {
                for (int i = 1; i <= flips; i++) {
                    Thread.sleep(1000);
                    Side from = switcher.current();
                    try {
                        pauses.add(gate(pair, switcher, from, other(from), ++marker, steps, true));
                    } catch (Exception e) { // a gate that timed out resumed writes on the old side
                        aborted++;
                        reasons.add("gate aborted: " + e.getMessage());
                    }
                }
            } finally {
                load.close();
            }
            double rate = load.committed() / ((System.nanoTime() - t0) / 1e9);
            return new Result("native + gate", pauses, steps, 0, aborted, reasons, rate, load.failed(), List.of());
        } finally {
            Sql.exec(pair.greenAdmin(), "DROP SUBSCRIPTION IF EXISTS tpcb_gate_b2g");
            Sql.exec(pair.blueAdmin(), "DROP SUBSCRIPTION IF EXISTS tpcb_gate_g2b");
            Sql.exec(pair.blueAdmin(), "DROP PUBLICATION IF EXISTS " + pub);
            Sql.exec(pair.greenAdmin(), "DROP PUBLICATION IF EXISTS " + pub);
        }
    }

    // One gated flip (or, with flip false, just a marker from -> to). Returns the pause in ms.
    private static double gate(PgPair pair, ConnectionSwitcher switcher, Side from, Side to, long marker,
            Map<String, List<Double>> steps, boolean flip) throws Exception {
        DataSource src = from == Side.BLUE ? pair.blueAdmin() : pair.greenAdmin();
        DataSource dst = to == Side.BLUE ? pair.blueAdmin() : pair.greenAdmin();
        try (Connection s = src.getConnection(); Connection d = dst.getConnection()) {
            long t0 = System.nanoTime();
            if (flip) {
                switcher.pauser().pause(DRAIN);
            }
            long t1 = System.nanoTime();
            try {
                Sql.queryLong(s, "INSERT INTO " + TpcbTables.MARKER + " VALUES (" + marker + ") RETURNING id");
                long deadline = System.nanoTime() + (flip ? CATCH_UP : LIMIT).toNanos();
                while (Sql.queryLong(d, "SELECT count(*) FROM " + TpcbTables.MARKER + " WHERE id = " + marker) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new java.util.concurrent.TimeoutException("marker " + marker + " not on " + to
                                + " within " + (flip ? CATCH_UP : LIMIT));
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
                long t2 = System.nanoTime();
                // history's hid sequence: the next side must not hand out ids the last one used
                long last = Sql.queryLong(s, "SELECT last_value FROM pgbench_history_hid_seq");
                Sql.queryLong(d, "SELECT setval('pgbench_history_hid_seq', " + last + ")");
                long t3 = System.nanoTime();
                if (flip) {
                    switcher.flipTo(to);
                }
                long t4 = System.nanoTime();
                if (flip) {
                    switcher.pauser().resume();
                }
                long t5 = System.nanoTime();
                if (flip) {
                    add(steps, "PAUSE (drain)", t0, t1);
                    add(steps, "MARKER (catch-up)", t1, t2);
                    add(steps, "SEQUENCE", t2, t3);
                    add(steps, "FLIP", t3, t4);
                    add(steps, "RESUME", t4, t5);
                }
                return (t5 - t0) / 1e6;
            } catch (Exception e) {
                if (flip && switcher.pauser().isPaused()) {
                    switcher.pauser().resume();
                }
                throw e;
            }
        }
    }

    private static void add(Map<String, List<Double>> steps, String step, long from, long to) {
        steps.computeIfAbsent(step, k -> new ArrayList<>()).add((to - from) / 1e6);
    }

    private static Side other(Side s) {
        return s == Side.BLUE ? Side.GREEN : Side.BLUE;
    }

    // Bounded: a stream that stays behind is refused by preflight, and that is counted.
    private static void awaitLagUnder(ReplicationLink link, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (link.stream().lag().behind().compareTo(limit) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static void awaitStreaming(ReplicationLink link) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (link.stream().state() != State.STREAMING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
