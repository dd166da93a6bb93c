package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.FleetMember;
import io.cutover.Lag;
import io.cutover.MemberPause;
import io.cutover.Phase;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream.State;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pause a fleet adds on PostgreSQL: the same total write load split across 1, 3 or 8 members
 * (this JVM, the coordinator, plus {@link FleetBenchMember} JVMs), and cutovers back and forth with
 * a second of load between them. Records, per fleet size, the coordinator's write pause, the PAUSE
 * and FLIP phases, and the pause each other member reports. Sizes run in alternating order (1, 3,
 * 8, then 8, 3, 1) so that a machine getting busier over the run does not favour one size.
 */
final class FleetPauseBench {
    private static final Logger LOG = LoggerFactory.getLogger(FleetPauseBench.class);
    static final String TABLE = "bench_fleet";
    private static final long ROWS = 10_000;
    private static final String FLEET = "bench";

    /** One fleet size's samples, in ms. */
    record Series(int members, List<Double> pauseMs, List<Double> pausePhaseMs, List<Double> flipPhaseMs,
            List<Double> memberPauseMs, List<String> aborts) {
    }

    private FleetPauseBench() {
    }

    static List<Series> run(PgPair pair, List<Integer> sizes, int cutoversPerSize, int txPerSecond) throws Exception {
        for (var ds : List.of(pair.blueAdmin(), pair.greenAdmin())) {
            Sql.exec(ds, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, k integer NOT NULL, v text NOT NULL,"
                    + " at timestamptz NOT NULL)");
        }
        Sql.exec(pair.blueAdmin(), "INSERT INTO " + TABLE + " SELECT g, 0, md5(g::text), now()"
                + " FROM generate_series(1, " + ROWS + ") g");
        Map<Integer, Series> out = new LinkedHashMap<>();
        for (int n : sizes) {
            out.put(n, new Series(n, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        List<Integer> order = new ArrayList<>(sizes);
        List<Integer> reversed = new ArrayList<>(sizes);
        java.util.Collections.reverse(reversed);
        order.addAll(reversed);
        int first = (cutoversPerSize + 1) / 2;
        ReplicationLink link = pair.link("fleet", true, TABLE);
        try (HikariDataSource blue = pair.pool(Side.BLUE, 2);
                HikariDataSource green = pair.pool(Side.GREEN, 2);
                FleetChannel channel = FleetBenchMember.channel(FLEET, pair.jdbcUrl(Side.BLUE), pair.jdbcUrl(Side.GREEN));
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green)
                        .fleet(FleetBenchMember.member(channel, "coordinator")).build()) {
            link.stream().start();
            Streams.awaitRunning(link.stream(), Duration.ofMinutes(2));
            link.stream().awaitFence(Duration.ofMinutes(2));
            for (int i = 0; i < order.size(); i++) {
                int n = order.get(i);
                int cutovers = i < sizes.size() ? first : cutoversPerSize - first;
                if (cutovers > 0) {
                    link = round(pair, switcher, link, out.get(n), n, cutovers, txPerSecond);
                }
            }
        } finally {
            try {
                link.targetGuard().release();
            } finally {
                link.close();
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Starts n - 1 member JVMs, runs the cutovers under the split load, stops the members. */
    private static ReplicationLink round(PgPair pair, ConnectionSwitcher switcher, ReplicationLink link, Series into,
            int n, int cutovers, int txPerSecond) throws Exception {
        int share = Math.max(1, txPerSecond / n);
        List<Process> members = new ArrayList<>();
        try {
            for (int m = 1; m < n; m++) {
                members.add(startMember(pair, "m" + n + "-" + m, switcher.current(), share));
            }
            for (Process p : members) {
                awaitJoined(p);
            }
            FleetMember self = switcher.fleet().orElseThrow();
            try (SteadyLoad load = SteadyLoad.start(switcher, TABLE, ROWS, 2, share)) {
                // Fresh member JVMs answer their first PAUSE slowly (class loading, JIT): warm them under load first.
                Thread.sleep(n > 1 ? 5000 : 0);
                int done = 0;
                int attempts = 0;
                while (done < cutovers && attempts++ < cutovers * 2) {
                    awaitStreaming(link);
                    Thread.sleep(1000); // load between cutovers, as an application would have
                    String name = "bench-fleet-" + n + "-" + attempts;
                    Cutover cutover = Cutover.builder().name(name).switcher(switcher)
                            .link(link).drainBudget(Duration.ofMillis(500)).catchUpBudget(Duration.ofSeconds(5))
                            .totalBudget(Duration.ofSeconds(8)).maxLagToStart(new Lag(50_000, Duration.ofSeconds(10)))
                            .build();
                    try {
                        CutoverResult r = cutover.execute();
                        done++;
                        into.pauseMs().add(ms(r.writePause()));
                        r.duration(Phase.PAUSE).ifPresent(d -> into.pausePhaseMs().add(ms(d)));
                        r.duration(Phase.FLIP).ifPresent(d -> into.flipPhaseMs().add(ms(d)));
                        List<MemberPause> pauses = awaitPauses(self, name);
                        pauses.stream().skip(1).forEach(p -> into.memberPauseMs().add(ms(p.pause())));
                        LOG.info("{} member(s), cutover {} {} -> {}: write pause {} ms, members {}", n, done, r.from(),
                                r.to(), String.format("%.1f", ms(r.writePause())), pauses);
                        link = cutover.reverseLink().orElseThrow();
                    } catch (CutoverAbortedException e) {
                        into.aborts().add(e.getMessage());
                        LOG.warn("{} member(s): cutover aborted: {}", n, e.getMessage());
                    }
                }
            }
        } finally {
            for (Process p : members) {
                stop(p);
            }
        }
        return link;
    }

    private static Process startMember(PgPair pair, String id, Side side, int txPerSecond) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), FleetBenchMember.class.getName(), FLEET, pair.jdbcUrl(Side.BLUE),
                pair.jdbcUrl(Side.GREEN), id, side.name(), TABLE, String.valueOf(ROWS), String.valueOf(txPerSecond), "2");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static void awaitJoined(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.contains(FleetBenchMember.JOINED)) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "fleet-member-out");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("a fleet member JVM exited before joining (exit " + p.exitValue() + ")");
    }

    private static void stop(Process p) throws InterruptedException {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // it is gone already
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The members' pauses of one cutover, reported in the background after it resumed writes. */
    private static List<MemberPause> awaitPauses(FleetMember self, String cutover) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<MemberPause> pauses = self.lastPauses();
        while ((pauses.isEmpty() || !pauses.get(0).cutover().equals(cutover)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            pauses = self.lastPauses();
        }
        return pauses.isEmpty() || !pauses.get(0).cutover().equals(cutover) ? List.of() : pauses;
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static void awaitStreaming(ReplicationLink link) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (link.stream().state() != State.STREAMING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Prints one table: per size, p50/p99 of each series and what it adds over the smallest fleet. */
    static void print(List<Series> series, int txPerSecond, java.io.PrintStream out) {
        out.println();
        out.println("== Fleet write pause on PostgreSQL (" + txPerSecond + " tx/s in total, split across members) ==");
        out.println("| members | cutovers | write pause p50 / p99 ms | PAUSE phase p50 | FLIP phase p50 |"
                + " members' own pause p50 / p99 ms | added over 1 (p50 write pause) | aborted |");
        out.println("|---|---|---|---|---|---|---|---|");
        double base = series.isEmpty() ? Double.NaN : Stats.of(series.get(0).pauseMs()).median();
        for (Series s : series) {
            Stats pause = Stats.of(s.pauseMs());
            Stats own = Stats.of(s.memberPauseMs());
            out.printf("| %d | %d | %.1f / %.1f | %.1f | %.1f | %s | %+.1f ms | %d |%n", s.members(), pause.count(),
                    pause.median(), pause.percentile(99), Stats.of(s.pausePhaseMs()).median(),
                    Stats.of(s.flipPhaseMs()).median(), own.count() == 0 ? "-" : String.format("%.1f / %.1f", own.median(),
                            own.percentile(99)), pause.median() - base, s.aborts().size());
        }
    }
}
