package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commit on blue to committed on green under a steady write load: a probe row is committed on blue,
 * then green is polled (every 0.2 ms) until the row is visible. The same probes run through Cutover's
 * stream and through a native subscription, one after the other, under the same load.
 */
final class PgLatencyBench {
    private static final Logger LOG = LoggerFactory.getLogger(PgLatencyBench.class);
    private static final Duration LIMIT = Duration.ofMinutes(2);

    /** Probe latencies in ms, per side, and the load they ran under. */
    record Result(List<Double> cutoverMs, List<Double> nativeMs, int loadTxPerSecond, double cutoverLoadRate,
            double nativeLoadRate) {
    }

    private PgLatencyBench() {
    }

    static Result run(PgPair pair, BenchTables tables, int probes, int loadTxPerSecond) throws Exception {
        List<Double> c = new ArrayList<>();
        List<Double> n = new ArrayList<>();
        double cRate;
        double nRate;
        String[] replicated = {"t_a", "t_b", "t_c", BenchTables.PROBE};
        try (ReplicationLink link = pair.link("latency", false, replicated)) {
            link.stream().start();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);
            cRate = probe(pair, tables, 1_000_000L, probes, loadTxPerSecond, c);
        }
        try (NativeSubscription sub = NativeSubscription.create(pair, false)) {
            sub.awaitMarker(1_000_000L, LIMIT);
            nRate = probe(pair, tables, 2_000_000L, probes, loadTxPerSecond, n);
        }
        return new Result(c, n, loadTxPerSecond, cRate, nRate);
    }

    /** Runs the probes under load; returns the load's achieved tx/s. */
    private static double probe(PgPair pair, BenchTables tables, long firstId, int probes, int loadTxPerSecond,
            List<Double> out) throws Exception {
        try (Connection blue = pair.blueAdmin().getConnection();
                Connection green = pair.greenAdmin().getConnection();
                PreparedStatement insert = blue.prepareStatement("INSERT INTO " + BenchTables.PROBE
                        + " VALUES (?, clock_timestamp())");
                PreparedStatement seen = green.prepareStatement("SELECT 1 FROM " + BenchTables.PROBE + " WHERE id = ?")) {
            HikariDataSource pool = pair.pool(Side.BLUE, 2);
            SteadyLoad load = SteadyLoad.start(pool, "t_a", tables.rowsPerTable(), 2, loadTxPerSecond);
            long loadStart = System.nanoTime();
            long committed;
            try {
                Thread.sleep(1000); // the load settles before the first probe
                long c0 = load.committed();
                long t0 = System.nanoTime();
                for (int i = 0; i < probes; i++) {
                    long id = firstId + i;
                    insert.setLong(1, id);
                    insert.executeUpdate();
                    long committedAt = System.nanoTime();
                    awaitVisible(seen, id);
                    out.add((System.nanoTime() - committedAt) / 1e6);
                    Thread.sleep(20);
                }
                committed = load.committed() - c0;
                loadStart = t0;
            } finally {
                load.close();
                pool.close();
            }
            double rate = committed / ((System.nanoTime() - loadStart) / 1e9);
            LOG.info("latency probes done: {} probes, load {} tx/s", probes, String.format("%.0f", rate));
            return rate;
        }
    }

    private static void awaitVisible(PreparedStatement seen, long id) throws SQLException, TimeoutException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        seen.setLong(1, id);
        while (true) {
            try (ResultSet rs = seen.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("probe " + id + " not on green after " + LIMIT);
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
