package io.cutover.examples.bench;

import io.cutover.Phase;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cutover against native replication, side by side in one run: on one pair of embedded PostgreSQL
 * servers the write pause at the flip, the initial copy, the backlog drain and the commit-to-applied
 * latency; on a pair of MariaDB servers the initial copy and the backlog drain. Prints medians,
 * spreads, ratios and goals.
 */
final class ReplicationSuite {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSuite.class);

    private ReplicationSuite() {
    }

    static void run(SuiteOptions o, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        try (LoadSampler load = new LoadSampler()) {
            runMeasured(o, out);
            out.printf("1-min load average during the replication suite: %s; it took %.1f min%n", load.summary(),
                    (System.nanoTime() - t0) / 60e9);
        }
    }

    private static void runMeasured(SuiteOptions o, PrintStream out) throws Exception {
        if (o.postgres()) {
            postgres(o, out);
        }
        if (o.mariadb()) {
            MariaDbBench.Result m = MariaDbBench.run(o.mariadbRows(), o.mariadbChanges(), o.rounds());
            out.println();
            out.println("== Cutover vs MariaDB's own tools ==");
            out.printf("initial copy, %,d rows over 3 tables, %d rounds:%n", m.rows(), m.cutoverCopy().size());
            out.printf("  Cutover %s rows/s, mariadb-dump | mariadb %s rows/s -> %.2fx (goal >= 0.5x)%n",
                    spread(m.cutoverCopy()), spread(m.dumpCopy()), ratio(m.cutoverCopy(), m.dumpCopy()));
            out.printf("backlog drain, %,d changes (%d per tx), %d rounds:%n", m.changes(), BenchTables.CHANGES_PER_TX,
                    m.cutoverDrain().size());
            out.printf("  Cutover %s changes/s, native replica (single-threaded) %s changes/s -> %.2fx (goal >= 5x)%n",
                    spread(m.cutoverDrain()), spread(m.replicaDrain()), ratio(m.cutoverDrain(), m.replicaDrain()));
        }
    }

    private static double ratio(List<Double> ours, List<Double> theirs) {
        return Stats.of(ours).median() / Stats.of(theirs).median();
    }

    private static void postgres(SuiteOptions o, PrintStream out) throws Exception {
        if (o.pgDrainOnly()) {
            pgDrain(o, out);
            return;
        }
        if (o.pgFlipsOnly()) {
            pgFlips(o, out);
            return;
        }
        PgCopyBench.Result copy;
        PgDrainBench.Result drain;
        PgLatencyBench.Result latency;
        FlipPauseBench.Result flip;
        try (PgPair pair = PgPair.start()) {
            BenchTables tables = new BenchTables(o.rows());
            tables.create(pair.blueAdmin());
            tables.create(pair.greenAdmin());
            tables.seed(pair.blueAdmin());
            LOG.info("seeded {} rows on blue", tables.totalRows());
            copy = PgCopyBench.run(pair, tables, o.rounds());
            drain = PgDrainBench.run(pair, tables, o.changes(), o.rounds());
            latency = PgLatencyBench.run(pair, tables, o.probes(), o.rate());
            flip = FlipPauseBench.run(pair, o.cutovers(), o.rate());
        }
        print(out, o, copy, drain, latency, flip);
    }

    // The drain alone: green is seeded like blue (k is a function of id) instead of copied.
    private static void pgDrain(SuiteOptions o, PrintStream out) throws Exception {
        PgDrainBench.Result drain;
        try (PgPair pair = PgPair.start()) {
            BenchTables tables = new BenchTables(o.rows());
            tables.create(pair.blueAdmin());
            tables.create(pair.greenAdmin());
            tables.seed(pair.blueAdmin());
            tables.seed(pair.greenAdmin());
            LOG.info("seeded {} rows on blue and on green", tables.totalRows());
            // In the full suite the copy runs first and warms the JIT up; here two unreported rounds do.
            PgDrainBench.run(pair, tables, o.changes(), 2, 100);
            LOG.info("warm-up rounds done");
            drain = PgDrainBench.run(pair, tables, o.changes(), o.rounds());
        }
        out.println();
        out.println("== Cutover vs native PostgreSQL logical replication: backlog drain only ==");
        printDrain(out, drain);
    }

    // The write pause at the flip alone, on tables of its own.
    private static void pgFlips(SuiteOptions o, PrintStream out) throws Exception {
        FlipPauseBench.Result flip;
        try (PgPair pair = PgPair.start()) {
            flip = FlipPauseBench.run(pair, o.cutovers(), o.rate(), o.baseline());
        }
        out.println();
        out.println("== Cutover write pause at the flip, PostgreSQL ==");
        printFlips(out, flip);
        if (o.baseline()) {
            out.println("-- the flips in between, with the reverse slot created inside the pause (before) --");
            printFlips(out, new FlipPauseBench.Result(flip.baselinePauseMs(), flip.baselinePhaseMs(), 0,
                    flip.loadTxPerSecond(), flip.failedWrites(), List.of(), Map.of()));
        }
    }

    private static void printFlips(PrintStream out, FlipPauseBench.Result flip) {
        Stats pause = Stats.of(flip.pauseMs());
        out.printf("write pause at the flip (%d flips, %d aborted or refused, load %.0f tx/s through the switcher, %d failed writes):%n",
                pause.count(), flip.aborted(), flip.loadTxPerSecond(), flip.failedWrites());
        out.printf("  p50 %.1f ms, p99 %.1f ms, min %.1f, max %.1f   (goal p50 <= 50, p99 <= 150)%n",
                pause.median(), pause.percentile(99), pause.min(), pause.max());
        for (Map.Entry<Phase, List<Double>> e : flip.phaseMs().entrySet()) {
            Stats s = Stats.of(e.getValue());
            out.printf("    %-9s p50 %7.1f ms  p99 %7.1f ms%n", e.getKey(), s.median(), s.percentile(99));
        }
    }

    private static void printDrain(PrintStream out, PgDrainBench.Result drain) {
        out.printf("backlog drain, %,d changes (%d per tx), %d rounds:%n", drain.changes(), BenchTables.CHANGES_PER_TX,
                drain.cutover().size());
        out.printf("  Cutover %s changes/s, native %s changes/s -> %.2fx native (goal >= 1.0x)%n",
                spread(drain.cutover()), spread(drain.nativeSub()), drain.ratio());
        out.printf("  per round: Cutover %s, native %s%n", rounded(drain.cutover()), rounded(drain.nativeSub()));
        out.printf("  restart with no backlog: Cutover %s ms, native %s ms%n", spread(drain.cutoverRestartMs()),
                spread(drain.nativeRestartMs()));
        out.printf("  (not counted above) blue kept Cutover's slot active after stop() for %s ms%n",
                spread(drain.slotReleaseMs()));
        out.printf("  heap during Cutover's drain: peak %.0f MiB used of -Xmx %.0f MiB%n", drain.heapPeakMiB(),
                drain.heapMaxMiB());
    }

    private static String rounded(List<Double> samples) {
        return samples.stream().map(d -> String.format("%,.0f", d)).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    private static void print(PrintStream out, SuiteOptions o, PgCopyBench.Result copy, PgDrainBench.Result drain,
            PgLatencyBench.Result latency, FlipPauseBench.Result flip) {
        out.println();
        out.println("== Cutover vs native PostgreSQL logical replication ==");
        printFlips(out, flip);
        out.printf("initial copy, %,d rows over 3 tables, %d rounds:%n", copy.rows(), copy.cutover().size());
        out.printf("  Cutover %s rows/s, native %s rows/s -> %.2fx native (goal >= 1.0x)%n",
                spread(copy.cutover()), spread(copy.nativeSync()), copy.ratio());
        printDrain(out, drain);
        Stats cl = Stats.of(latency.cutoverMs());
        Stats nl = Stats.of(latency.nativeMs());
        out.printf("commit on blue -> visible on green, %d probes each, load %.0f / %.0f tx/s:%n", cl.count(),
                latency.cutoverLoadRate(), latency.nativeLoadRate());
        out.printf("  Cutover p50 %.1f ms p99 %.1f ms; native p50 %.1f ms p99 %.1f ms   (goal Cutover p50 <= 10 ms)%n",
                cl.median(), cl.percentile(99), nl.median(), nl.percentile(99));
    }

    /** "median (min - max)" of samples, rounded. */
    static String spread(List<Double> samples) {
        Stats s = Stats.of(samples);
        return String.format("%,.0f (%,.0f - %,.0f)", s.median(), s.min(), s.max());
    }

}
