package io.cutover.examples.bench;

import io.cutover.ReplicationLink;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does a second stream lift PostgreSQL's backlog drain? The same backlog on two tables ({@code t_a},
 * {@code t_b}, changes split evenly) is drained three ways, alternating in each round: one Cutover
 * link over both tables (one slot), two Cutover links on disjoint tables (two slots, two
 * publications, two Debezium engines, each with its own fence; the drain ends when both fences are
 * applied) and a native subscription. Each drain is timed from (re)starting until its fence or
 * marker is on green, and its CPU is booked per change by thread and by server process
 * ({@link CpuProfile}: both walsenders of the two-stream case add up under "blue: walsender").
 *
 * <p>Every walsender decodes all of blue's WAL and filters by publication only at its output, so
 * two slots decode the backlog twice on the server; the question this answers is whether the
 * parallel Debezium decoding wins anyway on the machine at hand.
 */
final class PgDrain2Bench {
    private static final Logger LOG = LoggerFactory.getLogger(PgDrain2Bench.class);
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final String[] TABLES = {"t_a", "t_b"};

    /** The three ways to drain, in the order of the first round. */
    enum Mode {
        ONE_STREAM("Cutover, 1 stream (t_a+t_b)"),
        TWO_STREAMS("Cutover, 2 streams (t_a | t_b)"),
        NATIVE("native subscription");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** One drain: its rate and its CPU in microseconds per change by group. */
    record Drain(Mode mode, double changesPerSecond, Map<String, Double> cpuUsPerChange) {
        /** CPU of this JVM and both servers per change, in microseconds. */
        double totalUsPerChange() {
            return cpuUsPerChange.entrySet().stream()
                    .filter(e -> e.getKey().equals("jvm total (process)") || e.getKey().startsWith("blue: ")
                            || e.getKey().startsWith("green: "))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        /** Cores kept busy on average during the drain by this JVM and both servers. */
        double coresBusy() {
            return totalUsPerChange() * changesPerSecond / 1e6;
        }
    }

    /** Every drain of the run, the backlog size and the machine's 1-minute load while it ran. */
    record Result(int changes, List<Drain> drains, String load) {
        List<Double> rates(Mode mode) {
            return drains.stream().filter(d -> d.mode() == mode).map(Drain::changesPerSecond).toList();
        }

        double median(Mode mode) {
            return Stats.of(rates(mode)).median();
        }
    }

    private PgDrain2Bench() {
    }

    /** {@code --only pgdrain2}: seeds both sides, two unreported warm-up rounds, then {@code rounds} rounds. */
    static void runSuite(SuiteOptions o, PrintStream out) throws Exception {
        Result result;
        try (PgPair pair = PgPair.start(); LoadSampler load = new LoadSampler()) {
            BenchTables all = new BenchTables(0);
            all.create(pair.blueAdmin());
            all.create(pair.greenAdmin());
            BenchTables tables = new BenchTables(o.rows() * TABLES.length / BenchTables.DATA.length, TABLES);
            tables.seed(pair.blueAdmin());
            tables.seed(pair.greenAdmin());
            LOG.info("seeded {} rows on blue and on green", tables.totalRows());
            long[] postmasters = {CpuProfile.postmaster(pair.blueAdmin()), CpuProfile.postmaster(pair.greenAdmin())};
            run(pair, tables, postmasters, o.changes(), 2, 100);
            LOG.info("warm-up rounds done");
            Result r = run(pair, tables, postmasters, o.changes(), o.rounds(), 0);
            result = new Result(r.changes(), r.drains(), load.summary());
        }
        print(out, result);
    }

    static Result run(PgPair pair, BenchTables tables, long[] postmasters, int changes, int rounds, int first)
            throws Exception {
        List<Drain> drains = new ArrayList<>();
        Mode[] modes = Mode.values();
        for (int i = 0; i < rounds; i++) {
            int round = first + i;
            for (int j = 0; j < modes.length; j++) {
                Mode mode = modes[(i + j) % modes.length]; // each mode takes each place in turn
                CpuProfile cpu = new CpuProfile(postmasters, new String[] {"blue", "green"});
                Map<String, Double> perChange = new LinkedHashMap<>();
                double rate = switch (mode) {
                    case ONE_STREAM -> cutover(pair, tables, changes, cpu, perChange,
                            List.of(link(pair, "d1s" + round, TABLES)));
                    case TWO_STREAMS -> cutover(pair, tables, changes, cpu, perChange, List.of(
                            link(pair, "d2a" + round, TABLES[0]), link(pair, "d2b" + round, TABLES[1])));
                    case NATIVE -> nativeSub(pair, tables, changes, round, cpu, perChange);
                };
                LOG.info("PG drain, {}: {} changes/s; CPU us per change: {}", mode.label, String.format("%.0f", rate),
                        perChange);
                drains.add(new Drain(mode, rate, perChange));
            }
        }
        return new Result(changes, drains, "");
    }

    private static Named link(PgPair pair, String name, String... tables) {
        return new Named("cutover_" + name + "_b2g", pair.link(name, false, tables));
    }

    /** A link and its slot's name on blue. */
    private record Named(String slot, ReplicationLink link) {
    }

    // Starts the links, proves them caught up, stops them, makes the backlog, then times the restart
    // until every link's fence is on green; the CPU is read while the engines' threads still live, then
    // the links are closed (slots dropped).
    private static double cutover(PgPair pair, BenchTables tables, int changes, CpuProfile cpu,
            Map<String, Double> perChange, List<Named> links) throws Exception {
        ExecutorService fences = Executors.newFixedThreadPool(links.size(), r -> {
            Thread t = new Thread(r, "bench-fence-wait");
            t.setDaemon(true);
            return t;
        });
        try {
            startAll(links, fences);
            for (Named n : links) {
                n.link().stream().stop();
            }
            tables.change(pair.blueAdmin(), changes);
            for (Named n : links) {
                PgDrainBench.awaitSlotReleased(pair, n.slot());
            }
            System.gc();
            cpu.start();
            long t0 = System.nanoTime();
            startAll(links, fences);
            double secs = (System.nanoTime() - t0) / 1e9;
            perChange.putAll(cpu.perUnit(changes));
            PgDrainBench.checkSame(pair, tables, links.size() + "-stream Cutover");
            return changes / secs;
        } finally {
            fences.shutdownNow();
            for (Named n : links) {
                n.link().close();
            }
        }
    }

    // Starts every link, then waits for a fence on each, the waits running side by side.
    private static void startAll(List<Named> links, ExecutorService fences) throws Exception {
        for (Named n : links) {
            n.link().stream().start();
        }
        List<CompletableFuture<?>> waits = new ArrayList<>();
        for (Named n : links) {
            waits.add(CompletableFuture.runAsync(() -> {
                try {
                    Streams.awaitRunning(n.link().stream(), LIMIT);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                n.link().stream().awaitFence(LIMIT);
            }, fences));
        }
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get();
    }

    private static double nativeSub(PgPair pair, BenchTables tables, int changes, int round, CpuProfile cpu,
            Map<String, Double> perChange) throws Exception {
        long marker = 1_000_000L + round * 10L;
        try (NativeSubscription sub = NativeSubscription.create(pair, false)) {
            sub.awaitMarker(++marker, LIMIT);
            sub.disable();
            tables.change(pair.blueAdmin(), changes);
            cpu.start();
            long t0 = System.nanoTime();
            sub.enable();
            sub.awaitMarker(++marker, LIMIT);
            double secs = (System.nanoTime() - t0) / 1e9;
            perChange.putAll(cpu.perUnit(changes));
            PgDrainBench.checkSame(pair, tables, "native");
            return changes / secs;
        }
    }

    private static double median(Result r, Mode m, java.util.function.ToDoubleFunction<Drain> f) {
        return Stats.of(r.drains().stream().filter(d -> d.mode() == m).map(d -> f.applyAsDouble(d)).toList()).median();
    }

    static void print(PrintStream out, Result r) {
        out.println();
        out.println("== PostgreSQL backlog drain: one stream vs two streams (tables split across slots) vs native ==");
        out.printf("backlog %,d changes (%d per tx) over t_a and t_b, %d rounds, order rotated each round; 1-min load %s; %d cores%n",
                r.changes(), BenchTables.CHANGES_PER_TX, r.rates(Mode.NATIVE).size(), r.load(),
                Runtime.getRuntime().availableProcessors());
        double nat = r.median(Mode.NATIVE);
        for (Mode m : Mode.values()) {
            out.printf("  %-32s %s changes/s, per round %s -> %.2fx native%n", m.label, ReplicationSuite.spread(r.rates(m)),
                    r.rates(m).stream().map(d -> String.format("%,.0f", d)).toList(), r.median(m) / nat);
        }
        out.printf("  2 streams / 1 stream: %.2fx%n", r.median(Mode.TWO_STREAMS) / r.median(Mode.ONE_STREAM));
        for (Mode m : Mode.values()) {
            out.printf("  %-32s JVM + servers %.1f us per change, %.2f cores busy (medians)%n", m.label,
                    median(r, m, Drain::totalUsPerChange), median(r, m, Drain::coresBusy));
        }
        out.println("  CPU us per change, median over rounds (groups >= 0.5 us in some mode):");
        Map<String, Map<Mode, Double>> table = new LinkedHashMap<>();
        for (Drain d : r.drains()) {
            d.cpuUsPerChange().keySet().forEach(k -> table.computeIfAbsent(k, x -> new LinkedHashMap<>()));
        }
        out.printf("    %-58s %9s %9s %9s%n", "group", "1 stream", "2 streams", "native");
        table.keySet().stream().sorted().forEach(k -> {
            double[] v = new double[Mode.values().length];
            for (Mode m : Mode.values()) {
                v[m.ordinal()] = median(r, m, d -> d.cpuUsPerChange().getOrDefault(k, 0.0));
            }
            if (java.util.Arrays.stream(v).anyMatch(x -> x >= 0.5)) {
                out.printf("    %-58s %9.1f %9.1f %9.1f%n", k, v[0], v[1], v[2]);
            }
        });
    }
}
