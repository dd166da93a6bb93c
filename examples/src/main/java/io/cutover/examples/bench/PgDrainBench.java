package io.cutover.examples.bench;

import io.cutover.spi.ReplicationLink;
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
                if (i % 2 == 0) {
                    p = Math.max(p, cutover(pair, tables, changes, i, c, cr, released));
                    nativeSub(pair, tables, changes, i, n, nr);
                } else {
                    nativeSub(pair, tables, changes, i, n, nr);
                    p = Math.max(p, cutover(pair, tables, changes, i, c, cr, released));
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
                t0 = System.nanoTime();
                link.stream().start();
                Streams.awaitRunning(link.stream(), LIMIT);
                link.stream().awaitFence(LIMIT);
                double secs = (System.nanoTime() - t0) / 1e9;
                checkSame(pair, tables, "Cutover");
                rates.add(changes / secs);
                LOG.info("PG backlog drain, Cutover: {} changes in {} s, heap peak {} MiB", changes,
                        String.format("%.2f", secs), String.format("%.0f", heap.peakMiB()));
                return heap.peakMiB();
            }
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
            t0 = System.nanoTime();
            sub.enable();
            sub.awaitMarker(++marker, LIMIT);
            double secs = (System.nanoTime() - t0) / 1e9;
            checkSame(pair, tables, "native");
            rates.add(changes / secs);
            LOG.info("PG backlog drain, native: {} changes in {} s", changes, String.format("%.2f", secs));
        }
    }

    /**
     * Waits until blue's walsender has let go of the slot. stop() returns before it has, and a start()
     * that finds the slot still active makes Debezium retry after slot.retry.delay.ms (10 s): that
     * wait is a restart cost of its own, reported apart from the drain.
     */
    private static double awaitSlotReleased(PgPair pair, String slot) throws Exception {
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

    private static void checkSame(PgPair pair, BenchTables tables, String who) throws Exception {
        long blue = tables.sumK(pair.blueAdmin());
        long green = tables.sumK(pair.greenAdmin());
        if (blue != green) {
            throw new IllegalStateException(who + " drain: sum(k) on green " + green + " differs from blue " + blue);
        }
    }
}
