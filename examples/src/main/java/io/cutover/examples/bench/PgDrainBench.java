package io.cutover.examples.bench;

import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backlog drain: K row changes made on blue while the replication is stopped, then the time from
 * restarting it until a fence (Cutover) or a marker row (native) written after the backlog is on
 * green. Each side also restarts once with no backlog, to show what the restart alone costs.
 * Expects green to hold the same rows as blue when it starts.
 */
final class PgDrainBench {
    private static final Logger LOG = LoggerFactory.getLogger(PgDrainBench.class);
    private static final Duration LIMIT = Duration.ofMinutes(5);

    /**
     * Changes per second of each round, per side; restart-only times and slot release waits in ms;
     * peak heap during Cutover's drains.
     */
    record Result(int changes, List<Double> cutover, List<Double> nativeSub, List<Double> cutoverRestartMs,
            List<Double> nativeRestartMs, List<Double> slotReleaseMs, double heapPeakMiB, double heapMaxMiB) {
        double ratio() {
            return Stats.of(cutover).median() / Stats.of(nativeSub).median();
        }
    }

    private PgDrainBench() {
    }

    static Result run(PgPair pair, BenchTables tables, int changes, int rounds) throws Exception {
        return run(pair, tables, changes, rounds, 0);
    }

    /** As {@link #run(PgPair, BenchTables, int, int)}, numbering rounds (slots, markers) from {@code first}. */
    static Result run(PgPair pair, BenchTables tables, int changes, int rounds, int first) throws Exception {
        List<Double> c = new ArrayList<>();
        List<Double> n = new ArrayList<>();
        List<Double> cr = new ArrayList<>();
        List<Double> nr = new ArrayList<>();
        List<Double> released = new ArrayList<>();
        double peak;
        double max;
        try (HeapPeak heap = new HeapPeak()) {
            max = heap.maxMiB();
            double p = 0;
            for (int i = 0; i < rounds; i++) {
                int round = first + i;
                if (i % 2 == 0) {
                    p = Math.max(p, cutover(pair, tables, changes, round, c, cr, released));
                    nativeSub(pair, tables, changes, round, n, nr);
                } else {
                    nativeSub(pair, tables, changes, round, n, nr);
                    p = Math.max(p, cutover(pair, tables, changes, round, c, cr, released));
                }
            }
            peak = p;
        }
        return new Result(changes, c, n, cr, nr, released, peak, max);
    }

    private static double cutover(PgPair pair, BenchTables tables, int changes, int round, List<Double> rates,
            List<Double> restarts, List<Double> released) throws Exception {
        try (ReplicationLink link = pair.link("drain" + round, false, BenchTables.DATA)) {
            link.stream().start();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);

            link.stream().stop();
            released.add(awaitSlotReleased(pair, "cutover_drain" + round + "_b2g"));
            long t0 = System.nanoTime();
            link.stream().start();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);
            restarts.add((System.nanoTime() - t0) / 1e6);

            link.stream().stop();
            tables.change(pair.blueAdmin(), changes);
            released.add(awaitSlotReleased(pair, "cutover_drain" + round + "_b2g"));
            System.gc();
            try (HeapPeak heap = new HeapPeak()) {
                long cpu0 = processCpuNanos();
                long pg0 = serverCpuNanos(pair);
                java.util.Map<Long, Long> threads0 = threadCpuNanos();
                t0 = System.nanoTime();
                link.stream().start();
                Streams.awaitRunning(link.stream(), LIMIT);
                link.stream().awaitFence(LIMIT);
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpuSecs = (processCpuNanos() - cpu0) / 1e9;
                double pgSecs = (serverCpuNanos(pair) - pg0) / 1e9;
                LOG.info("PG backlog drain, Cutover: CPU per change by thread: {}", perThread(threads0, changes));
                checkSame(pair, tables, "Cutover");
                rates.add(changes / secs);
                // The JVM's CPU (both engine threads, GC, JIT) per change: less at the mercy of other
                // load on the machine than the rate.
                LOG.info("PG backlog drain, Cutover: {} changes in {} s, CPU per change: JVM {} us, servers {} us; heap peak {} MiB",
                        changes, String.format("%.2f", secs), String.format("%.1f", cpuSecs * 1e6 / changes),
                        String.format("%.1f", pgSecs * 1e6 / changes), String.format("%.0f", heap.peakMiB()));
                return heap.peakMiB();
            }
        }
    }

    private static java.util.Map<Long, Long> threadCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<Long, Long> out = new java.util.HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            out.put(id, mx.getThreadCpuTime(id));
        }
        return out;
    }

    // Java threads' CPU since the snapshot, per thread name with digits masked, in us per change.
    private static String perThread(java.util.Map<Long, Long> before, int changes) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
            long now = mx.getThreadCpuTime(id);
            if (info == null || now < 0) {
                continue;
            }
            double us = (now - before.getOrDefault(id, 0L)) / 1e3 / changes;
            byName.merge(info.getThreadName().replaceAll("[0-9]+", "N"), us, Double::sum);
        }
        return byName.entrySet().stream().filter(e -> e.getValue() >= 0.5)
                .map(e -> e.getKey() + "=" + String.format("%.1f", e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
    }

    // The postmasters of blue and green (parents of any backend), found once.
    private static long[] postmasters;

    // CPU of both servers' processes so far; backends that exit during the drain are missed. The
    // servers are not descendants of this JVM (pg_ctl detaches them): found through a backend's parent.
    private static long serverCpuNanos(PgPair pair) throws Exception {
        if (postmasters == null) {
            postmasters = new long[] {postmaster(pair.blueAdmin()), postmaster(pair.greenAdmin())};
        }
        long sum = 0;
        try (java.util.stream.Stream<java.nio.file.Path> procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long parent = parentOf(pid);
                for (long pm : postmasters) {
                    if (pid == pm || parent == pm) {
                        sum += procCpuNanos(pid);
                    }
                }
            }
        }
        return sum;
    }

    // Asked while the backend still runs.
    private static long postmaster(javax.sql.DataSource ds) throws java.sql.SQLException {
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return parentOf(rs.getLong(1));
        }
    }

    private static long parentOf(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1L;
        }
    }

    private static long procCpuNanos(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime, fields 14 and 15 of stat, in clock ticks (100 per second on Linux)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (java.io.IOException | RuntimeException e) {
            return 0L;
        }
    }

    private static void nativeSub(PgPair pair, BenchTables tables, int changes, int round, List<Double> rates,
            List<Double> restarts) throws Exception {
        long marker = round * 10L;
        try (NativeSubscription sub = NativeSubscription.create(pair, false)) {
            sub.awaitMarker(++marker, LIMIT);

            sub.disable();
            long t0 = System.nanoTime();
            sub.enable();
            sub.awaitMarker(++marker, LIMIT);
            restarts.add((System.nanoTime() - t0) / 1e6);

            sub.disable();
            tables.change(pair.blueAdmin(), changes);
            long pg0 = serverCpuNanos(pair);
            t0 = System.nanoTime();
            sub.enable();
            sub.awaitMarker(++marker, LIMIT);
            double secs = (System.nanoTime() - t0) / 1e9;
            double pgSecs = (serverCpuNanos(pair) - pg0) / 1e9;
            checkSame(pair, tables, "native");
            rates.add(changes / secs);
            // The subscription's apply worker exits on disable() and a new one starts: CPU of a
            // process gone by the second reading is lost, so a negative sum means "not measured".
            LOG.info("PG backlog drain, native: {} changes in {} s, CPU per change: servers {}", changes,
                    String.format("%.2f", secs), pgSecs < 0 ? "not measured (a worker exited)"
                            : String.format("%.1f us", pgSecs * 1e6 / changes));
        }
    }

    /**
     * Waits until blue's walsender has let go of the slot. stop() returns before it has, and a start()
     * that finds the slot still active makes Debezium retry after slot.retry.delay.ms (10 s): that
     * wait is a restart cost of its own, reported apart from the drain.
     */
    static double awaitSlotReleased(PgPair pair, String slot) throws Exception {
        long t0 = System.nanoTime();
        while (Sql.queryLong(pair.blueAdmin(), "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND active") > 0) {
            if (System.nanoTime() - t0 > LIMIT.toNanos()) {
                throw new IllegalStateException("slot " + slot + " still active " + LIMIT + " after stop()");
            }
            Thread.sleep(1);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static void checkSame(PgPair pair, BenchTables tables, String who) throws Exception {
        long blue = tables.sumK(pair.blueAdmin());
        long green = tables.sumK(pair.greenAdmin());
        if (blue != green) {
            throw new IllegalStateException(who + " drain: sum(k) on green " + green + " differs from blue " + blue);
        }
    }
}
