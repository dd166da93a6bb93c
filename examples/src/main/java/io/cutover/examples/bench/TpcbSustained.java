package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.StreamStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sustained apply under the TPC-B load, native subscription and Cutover side by side in one run:
 * both sides' tables reloaded, the replication started and shown live (a heartbeat row reached
 * green), then N unthrottled writers through a switcher for the duration while green is sampled
 * once a second: transactions applied (history rows on green, 4 row changes each), the heartbeat's
 * age (how far green is behind in time) and the backlog in transactions. After the load, the time
 * green needs to catch up, and a checksum of both sides. Sides alternate which goes first.
 *
 * <p>The lag that is judged is counted in transactions: how long ago the writers had committed as
 * many transactions as green holds now. The heartbeat's age is reported beside it; on a machine
 * busier than its cores the heartbeat writer itself waits for CPU and overstates the lag.
 */
final class TpcbSustained {
    private static final Logger LOG = LoggerFactory.getLogger(TpcbSustained.class);
    private static final Duration START_LIMIT = Duration.ofMinutes(3);
    private static final String PUB = "tpcb_pub";
    private static final String SUB = "tpcb_sub";

    /**
     * One side's round. Rates are over the samples after the warm-up; changes are row changes
     * applied on green (4 per history row there). catchUpSeconds is NaN when green did not catch up
     * within the limit after the load stopped.
     */
    record Run(String side, double txPerSecond, double appliedChangesPerSecond, LagTrace lag, LagTrace heartbeatLag,
            List<Double> backlogTx,
            List<Double> streamLagMs, long streamApplied, long failedTx, Map<String, Double> cpuUsPerChange,
            Map<String, Map<String, Double>> stackShares, double catchUpSeconds, boolean sameChecksum) {
    }

    /** All rounds of both sides. */
    record Result(List<Run> cutover, List<Run> nativeSub) {
        /** Median Cutover changes/s over median native changes/s. */
        double ratio() {
            return Stats.of(cutover.stream().map(Run::appliedChangesPerSecond).toList()).median()
                    / Stats.of(nativeSub.stream().map(Run::appliedChangesPerSecond).toList()).median();
        }
    }

    private TpcbSustained() {
    }

    static Result run(PgPair pair, TpcbTables tables, int writers, Duration duration, int rounds, int warmupSeconds)
            throws Exception {
        List<Run> c = new ArrayList<>();
        List<Run> n = new ArrayList<>();
        CpuProfile cpu = new CpuProfile(new long[] {CpuProfile.postmaster(pair.blueAdmin()),
            CpuProfile.postmaster(pair.greenAdmin())}, new String[] {"blue", "green"});
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                n.add(nativeSide(pair, tables, writers, duration, warmupSeconds, cpu));
                c.add(cutoverSide(pair, tables, writers, duration, warmupSeconds, cpu, round));
            } else {
                c.add(cutoverSide(pair, tables, writers, duration, warmupSeconds, cpu, round));
                n.add(nativeSide(pair, tables, writers, duration, warmupSeconds, cpu));
            }
        }
        return new Result(c, n);
    }

    private static Run nativeSide(PgPair pair, TpcbTables tables, int writers, Duration duration, int warmup,
            CpuProfile cpu) throws Exception {
        reload(pair, tables);
        Sql.exec(pair.blueAdmin(), "CREATE PUBLICATION " + PUB + " FOR TABLE " + String.join(", ", TpcbTables.ALL));
        Sql.exec(pair.greenAdmin(), "CREATE SUBSCRIPTION " + SUB + " CONNECTION '" + pair.blueConnInfo()
                + "' PUBLICATION " + PUB + " WITH (copy_data = false)");
        try {
            return measure("native", pair, tables, writers, duration, warmup, cpu, null);
        } finally {
            Sql.exec(pair.greenAdmin(), "DROP SUBSCRIPTION IF EXISTS " + SUB);
            Sql.exec(pair.blueAdmin(), "DROP PUBLICATION IF EXISTS " + PUB);
        }
    }

    private static Run cutoverSide(PgPair pair, TpcbTables tables, int writers, Duration duration, int warmup,
            CpuProfile cpu, int round) throws Exception {
        reload(pair, tables);
        ReplicationLink link = pair.link("tpcb" + round, false, TpcbTables.ALL);
        try {
            link.stream().start();
            Streams.awaitRunning(link.stream(), START_LIMIT);
            link.stream().awaitFence(START_LIMIT);
            return measure("Cutover", pair, tables, writers, duration, warmup, cpu, link);
        } finally {
            Streams.release(link);
        }
    }

    private static void reload(PgPair pair, TpcbTables tables) throws SQLException {
        long t0 = System.nanoTime();
        tables.reload(pair.blueAdmin());
        tables.reload(pair.greenAdmin());
        LOG.info("TPC-B tables reloaded on both sides (scale {}) in {} s", tables.scale(),
                String.format("%.1f", (System.nanoTime() - t0) / 1e9));
    }

    private static Run measure(String side, PgPair pair, TpcbTables tables, int writers, Duration duration, int warmup,
            CpuProfile cpu, ReplicationLink link) throws Exception {
        List<Double> lag = new ArrayList<>();
        List<Double> heartbeatLag = new ArrayList<>();
        List<Double> backlog = new ArrayList<>();
        List<Double> streamLag = new ArrayList<>();
        List<long[]> counts = new ArrayList<>(); // {nanos, committed, applied tx}
        long streamApplied0 = link == null ? 0 : link.stream().status().appliedTotal();
        long failed;
        Map<String, Double> perChange;
        Map<String, Map<String, Double>> stacks;
        StackSampler sampler = null;
        long t0;
        long greenTx0;
        try (Heartbeat heartbeat = Heartbeat.start(pair.blueAdmin());
                Connection green = pair.greenAdmin().getConnection();
                HikariDataSource bluePool = pair.pool(Side.BLUE, writers);
                HikariDataSource greenPool = pair.pool(Side.GREEN, writers);
                ConnectionSwitcher switcher = ConnectionSwitcher.between(bluePool, greenPool)) {
            heartbeat.awaitOnGreen(green, START_LIMIT);
            greenTx0 = TpcbTables.historyRows(green);
            t0 = System.nanoTime();
            long next = t0;
            try (TpcbLoad load = TpcbLoad.start(switcher, tables, writers)) {
                for (int s = 0; s < duration.toSeconds(); s++) {
                    if (s == Math.min(warmup, duration.toSeconds() - 1)) {
                        // CPU and stacks after the warm-up only, like the rates
                        cpu.start();
                        sampler = new StackSampler(TpcbSustained::profiled);
                    }
                    next += 1_000_000_000L;
                    LockSupport.parkNanos(next - System.nanoTime());
                    long at = System.nanoTime();
                    long committed = load.committed();
                    double[] g = sample(green);
                    counts.add(new long[] {at, committed, (long) g[0] - greenTx0});
                    lag.add(behind(t0, counts, (long) g[0] - greenTx0));
                    heartbeatLag.add(g[1]);
                    backlog.add((double) (committed - ((long) g[0] - greenTx0)));
                    if (link != null) {
                        StreamStatus st = link.stream().status();
                        streamLag.add((double) st.lag().behind().toMillis());
                    }
                }
                failed = load.failed();
                // read before the writers end: a thread's CPU is gone with it
                int from = Math.min(warmup, counts.size() - 1);
                long appliedAfterWarmup = counts.get(counts.size() - 1)[2] - (from == 0 ? 0 : counts.get(from - 1)[2]);
                perChange = cpu.perUnit(appliedAfterWarmup * TpcbTables.CHANGES_PER_TX);
                sampler.close();
                stacks = sampler.shares();
            }
            long[] last = counts.get(counts.size() - 1);
            long committedTotal = Sql.queryLong(pair.blueAdmin(), "SELECT count(*) FROM " + TpcbTables.HISTORY);
            double catchUp = catchUp(green, committedTotal, Duration.ofMinutes(3));
            boolean same = !Double.isNaN(catchUp) && awaitHeartbeatAndCompare(pair, heartbeat, green);
            long streamApplied = link == null ? 0 : link.stream().status().appliedTotal() - streamApplied0;
            int from = Math.min(warmup, counts.size() - 1);
            long[] first = from == 0 ? new long[] {t0, 0, 0} : counts.get(from - 1);
            double secs = (last[0] - first[0]) / 1e9;
            Run run = new Run(side, (last[1] - first[1]) / secs, (last[2] - first[2]) * TpcbTables.CHANGES_PER_TX / secs,
                    new LagTrace(lag, warmup, 250), new LagTrace(heartbeatLag, warmup, 250), backlog, streamLag, streamApplied, failed, perChange, stacks, catchUp, same);
            LOG.info("TPC-B {}: {} tx/s written, {} changes/s applied on green, lag {}, catch-up after the load {} s",
                    side, String.format("%.0f", run.txPerSecond()), String.format("%.0f", run.appliedChangesPerSecond()),
                    run.lag().verdict(), String.format("%.1f", catchUp));
            return run;
        }
    }

    // the threads whose stacks are sampled: Debezium's decoding thread and the engine's worker threads
    private static boolean profiled(String group) {
        return group.startsWith("Debezium decoding") || group.startsWith("Cutover") || group.equals("pool-N-thread-N");
    }

    // How long ago the writers had committed what green holds now (see LagTrace.behindMs).
    private static double behind(long t0, List<long[]> counts, long applied) {
        int n = counts.size() + 1;
        long[] t = new long[n];
        long[] c = new long[n];
        t[0] = t0;
        for (int i = 1; i < n; i++) {
            t[i] = counts.get(i - 1)[0];
            c[i] = counts.get(i - 1)[1];
        }
        return LagTrace.behindMs(t, c, n, applied, System.nanoTime());
    }

    // {transactions applied on green (history rows), ms since the newest heartbeat on green was written}
    private static double[] sample(Connection green) throws SQLException {
        try (Statement st = green.createStatement(); ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM "
                + TpcbTables.HISTORY + "), (SELECT extract(epoch FROM clock_timestamp() - max(at)) * 1000 FROM "
                + TpcbTables.HEARTBEAT + ")")) {
            rs.next();
            return new double[] {rs.getLong(1), rs.getDouble(2)};
        }
    }

    // Seconds from the load's end until green holds every committed transaction; NaN past the limit.
    private static double catchUp(Connection green, long target, Duration limit) throws SQLException {
        long t0 = System.nanoTime();
        while (TpcbTables.historyRows(green) < target) {
            if (System.nanoTime() - t0 > limit.toNanos()) {
                LOG.warn("green did not catch up within {} after the load stopped", limit);
                return Double.NaN;
            }
            LockSupport.parkNanos(20_000_000);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    // The heartbeat keeps writing: wait until a heartbeat written after the load ended is on green, then compare.
    private static boolean awaitHeartbeatAndCompare(PgPair pair, Heartbeat heartbeat, Connection green) throws Exception {
        heartbeat.awaitOnGreen(green, START_LIMIT);
        long b = TpcbTables.checksum(pair.blueAdmin());
        long g = TpcbTables.checksum(pair.greenAdmin());
        if (b != g) {
            LOG.warn("TPC-B checksum differs after catch-up: blue {} green {}", b, g);
        }
        return b == g;
    }
}
