package io.cutover.examples.bench;

import java.time.Duration;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the switcher benchmarks and prints a summary for BENCHMARKS.md: the JMH borrow benchmark
 * (what the switcher adds per {@code getConnection()} + {@code close()}) and the application
 * throughput comparison (pgbench-like transactions, pool vs switcher).
 *
 * <p>Run with {@code mvn -B -q -Pbench -pl examples -am package -DskipTests}; pass
 * {@code -Dbench.args="--quick"} for a short smoke run.
 */
public final class Bench {
    private Bench() {
    }

    /**
     * Runs the benchmarks.
     *
     * @param args see {@link SuiteOptions}: {@code --quick} for shorter runs, {@code --only switcher|replication|postgres|mariadb|tpcb|fleet}
     * @throws Exception if a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        SuiteOptions options = SuiteOptions.parse(java.util.List.of(args));
        if (options.switcher()) {
            switcher(options.quick());
        }
        if (options.postgres() || options.mariadb()) {
            ReplicationSuite.run(options, System.out);
        }
        if (options.tpcb()) {
            TpcbSuite.run(options, System.out);
        }
        if (options.fleet()) {
            fleet(options);
        }
        if (options.pgDrain2()) {
            PgDrain2Bench.runSuite(options, System.out);
        }
    }

    private static void switcher(boolean quick) throws Exception {
        Options opts = new OptionsBuilder()
                .include(SwitcherBorrowBenchmark.class.getName())
                .forks(1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .threads(1)
                .jvmArgs("-Xmx512m")
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        double pool = score(results, "pool");
        double switcher = score(results, "switcher");

        ThroughputComparison.Result tx;
        try (BenchDatabase db = BenchDatabase.start(4)) {
            tx = ThroughputComparison.run(db, 4, Duration.ofSeconds(quick ? 2 : 8), quick ? 2 : 6);
        }

        System.out.println();
        System.out.println("== Cutover switcher benchmarks ==");
        System.out.printf("borrow+close, pool directly : %8.1f ns/op (error %.1f)%n", pool, error(results, "pool"));
        System.out.printf("borrow+close, via switcher  : %8.1f ns/op (error %.1f)%n", switcher, error(results, "switcher"));
        System.out.printf("added by the switcher       : %8.1f ns per borrow (goal <= 1000 ns)%n", switcher - pool);
        System.out.printf("pgbench-like tx/s, pool     : median %.0f, runs %s%n", tx.pool().median(), rounded(tx.pool()));
        System.out.printf("pgbench-like tx/s, switcher : median %.0f, runs %s%n", tx.switcher().median(), rounded(tx.switcher()));
        System.out.printf("switcher / pool throughput  : %.1f %% (goal >= 98 %%), %d threads, %d s runs%n",
                tx.ratio() * 100, tx.threads(), tx.runLength().toSeconds());
    }

    private static void fleet(SuiteOptions options) throws Exception {
        int cutovers = options.quick() ? Math.min(options.cutovers(), 6) : Math.max(20, options.cutovers());
        double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        try (PgPair pair = PgPair.start()) {
            var series = FleetPauseBench.run(pair, java.util.List.of(1, 3, 8), cutovers, options.rate());
            FleetPauseBench.print(series, options.rate(), System.out);
        }
        double loadAfter = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("1-minute load average: %.2f before, %.2f after; %d cores%n", loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors());
    }

    private static double score(Collection<RunResult> results, String method) {
        return find(results, method).getPrimaryResult().getScore();
    }

    private static double error(Collection<RunResult> results, String method) {
        return find(results, method).getPrimaryResult().getScoreError();
    }

    private static RunResult find(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no JMH result for " + method));
    }

    private static String rounded(ThroughputComparison.Series s) {
        return s.txPerSecond().stream().map(v -> String.valueOf(Math.round(v))).toList().toString();
    }
}
