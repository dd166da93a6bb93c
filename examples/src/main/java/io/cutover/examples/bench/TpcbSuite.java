package io.cutover.examples.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code --only tpcb}: pgbench's TPC-B transaction from unthrottled writers through the switcher, on
 * one pair of embedded PostgreSQL servers. First the sustained apply, native subscription and
 * Cutover side by side ({@link TpcbSustained}), then the write pause of cutovers under that load
 * against a native subscription behind an application gate ({@link TpcbPause}). Prints markdown.
 */
final class TpcbSuite {

    private TpcbSuite() {
    }

    static void run(SuiteOptions o, PrintStream out) throws Exception {
        if (o.seconds() < 1 || o.rounds() < 1 || o.cutovers() < 0) {
            throw new IllegalArgumentException("--seconds and --rounds must be at least 1 and --cutovers not negative, were "
                    + o.seconds() + ", " + o.rounds() + " and " + o.cutovers());
        }
        long t0 = System.nanoTime();
        TpcbTables tables = new TpcbTables(o.scale());
        int warmup = o.seconds() >= 30 ? 5 : 2;
        try (LoadSampler sampler = new LoadSampler(); PgPair pair = PgPair.start()) {
            tables.create(pair.blueAdmin());
            tables.create(pair.greenAdmin());
            TpcbSustained.Result sustained = TpcbSustained.run(pair, tables, o.writers(), Duration.ofSeconds(o.seconds()),
                    o.rounds(), warmup);
            out.println();
            out.printf("== TPC-B (pgbench tpcb-like), scale %d (%,d accounts), %d unthrottled writers through the switcher ==%n",
                    o.scale(), tables.accounts(), o.writers());
            // printed at once: the pause part runs for minutes more and may fail on its own
            printSustained(out, sustained, o, warmup);
            out.printf("%n1-min load average so far: %s%n", sampler.summary());
            if (o.cutovers() > 0) {
                List<TpcbPause.Result> results = new ArrayList<>(TpcbPause.cutover(pair, tables, o.writers(), o.cutovers(),
                        List.of(new TpcbPause.Variant("as before", b -> b), new TpcbPause.Variant("pause gate 30 ms / 5 s",
                                b -> b.pauseGate(io.cutover.PauseGate.of(Duration.ofMillis(30), Duration.ofSeconds(5)))))));
                results.add(TpcbPause.nativeGate(pair, tables, o.writers(), o.cutovers()));
                printPause(out, results);
            }
            out.printf("%n1-min load average during the run: %s; it took %.1f min%n", sampler.summary(),
                    (System.nanoTime() - t0) / 60e9);
        }
    }

    private static void printSustained(PrintStream out, TpcbSustained.Result r, SuiteOptions o, int warmup) {
        out.println();
        out.printf("### Sustained apply, %d s per side, %d round(s), first %d s are warm-up (not in rates)%n", o.seconds(),
                o.rounds(), warmup);
        out.println();
        out.println("| side | round | writer tx/s | changes/s applied on green | lag start / middle / end / max (ms, by committed count) | lag |"
                + " backlog at end (tx) | catch-up after load | checksum | failed tx |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        List<TpcbSustained.Run> all = new ArrayList<>();
        for (int i = 0; i < o.rounds(); i++) {
            all.add(r.nativeSub().get(i));
            all.add(r.cutover().get(i));
        }
        int i = 0;
        for (TpcbSustained.Run run : all) {
            LagTrace l = run.lag();
            out.printf("| %s | %d | %,.0f | %,.0f | %,.0f / %,.0f / %,.0f / %,.0f | %s | %,.0f | %s | %s | %d |%n", run.side(),
                    1 + i++ / 2, run.txPerSecond(), run.appliedChangesPerSecond(), l.startMs(), l.middleMs(), l.endMs(),
                    l.maxMs(), l.verdict(), run.backlogTx().get(run.backlogTx().size() - 1),
                    Double.isNaN(run.catchUpSeconds()) ? "not within 3 min" : String.format("%.1f s", run.catchUpSeconds()),
                    run.sameChecksum() ? "same" : "DIFFERS/not compared", run.failedTx());
        }
        out.println();
        out.printf("Cutover / native changes/s applied (medians): **%.2fx**; writer tx/s with native %s, with Cutover %s%n",
                r.ratio(), ReplicationSuite.spread(col(r.nativeSub(), TpcbSustained.Run::txPerSecond)),
                ReplicationSuite.spread(col(r.cutover(), TpcbSustained.Run::txPerSecond)));
        for (TpcbSustained.Run run : r.cutover()) {
            out.printf("Cutover's own counters: %,d changes applied (ReplicationStream.status()), stream lag per second (ms): %s%n",
                    run.streamApplied(), run.streamLagMs().stream().map(d -> String.format("%.0f", d)).toList());
        }
        for (TpcbSustained.Run run : all) {
            out.printf("%s lag per second (ms, by committed count): %s%n", run.side(),
                    run.lag().lagMs().stream().map(d -> String.format("%.0f", d)).toList());
            out.printf("%s heartbeat age on green per second (ms; %s): %s%n", run.side(), run.heartbeatLag().verdict(),
                    run.heartbeatLag().lagMs().stream().map(d -> String.format("%.0f", d)).toList());
        }
        out.println();
        out.println("CPU per change applied on green, in us (median over rounds; servers from /proc by process title):");
        out.println();
        out.println("| who | native | Cutover |");
        out.println("|---|---|---|");
        Set<String> keys = new LinkedHashSet<>();
        r.cutover().forEach(x -> keys.addAll(x.cpuUsPerChange().keySet()));
        r.nativeSub().forEach(x -> keys.addAll(x.cpuUsPerChange().keySet()));
        for (String k : keys) {
            out.printf("| %s | %s | %s |%n", k, cpu(r.nativeSub(), k), cpu(r.cutover(), k));
        }
        for (int round = 0; round < r.cutover().size(); round++) {
            out.println();
            out.printf("Where Cutover's replication threads are (stack samples every 20 ms after warm-up, round %d):%n", round + 1);
            for (Map.Entry<String, Map<String, Double>> g : r.cutover().get(round).stackShares().entrySet()) {
                out.printf("- %s: %s%n", g.getKey(), g.getValue().entrySet().stream()
                        .map(e -> String.format("%s %.0f %%", e.getKey(), e.getValue()))
                        .collect(java.util.stream.Collectors.joining(", ")));
            }
        }
    }

    private static String cpu(List<TpcbSustained.Run> runs, String key) {
        List<Double> v = runs.stream().map(x -> x.cpuUsPerChange().getOrDefault(key, 0.0)).toList();
        double m = Stats.of(v).median();
        return m < 0.05 ? "-" : String.format("%.1f", m);
    }

    private static List<Double> col(List<TpcbSustained.Run> runs, Function<TpcbSustained.Run, Double> f) {
        return runs.stream().map(f).toList();
    }

    private static void printPause(PrintStream out, List<TpcbPause.Result> results) {
        out.println();
        out.println("### Write pause under the load");
        out.println();
        out.println("| side | flips | refused | aborted | load tx/s | failed tx | pause p50 (ms) | p99 | max |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (TpcbPause.Result r : results) {
            Stats s = Stats.of(r.pauseMs());
            out.printf("| %s | %d | %d | %d | %,.0f | %d | %.1f | %.1f | %.1f |%n", r.side(), s.count(), r.refused(),
                    r.aborted(), r.loadTxPerSecond(), r.failedTx(), s.median(), s.percentile(99), s.max());
        }
        for (TpcbPause.Result r : results) {
            out.println();
            out.printf("%s, per step (p50 / p99 ms):", r.side());
            for (Map.Entry<String, List<Double>> e : r.stepMs().entrySet()) {
                Stats s = Stats.of(e.getValue());
                out.printf(" %s %.1f / %.1f;", e.getKey(), s.median(), s.percentile(99));
            }
            out.println();
            r.reasons().stream().distinct().limit(5).forEach(x -> out.println("  - " + x));
        }
        for (TpcbPause.Result r : results) {
            if (!r.perCutover().isEmpty()) {
                out.println();
                out.printf("%s, each flip, with where the changes were when PREFLIGHT ended (just before the pause):%n%n", r.side());
                out.printf(TpcbPause.LINE_HEADER);
                r.perCutover().forEach(out::println);
            }
        }
    }
}
