package io.cutover.examples.bench;

import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initial copy of the three tables from blue to an empty green: Cutover's stream with its initial
 * copy (start until a fence written after it is applied) against a native subscription's table
 * sync (create until every table is ready). Rounds alternate which goes first.
 */
final class PgCopyBench {
    private static final Logger LOG = LoggerFactory.getLogger(PgCopyBench.class);
    private static final Duration LIMIT = Duration.ofMinutes(10);

    /** Rows per second of each round, per side. */
    record Result(long rows, List<Double> cutover, List<Double> nativeSync) {
        double ratio() {
            return Stats.of(cutover).median() / Stats.of(nativeSync).median();
        }
    }

    private PgCopyBench() {
    }

    static Result run(PgPair pair, BenchTables tables, int rounds) throws Exception {
        Result r = new Result(tables.totalRows(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                r.cutover().add(cutover(pair, tables, i));
                r.nativeSync().add(nativeSync(pair, tables));
            } else {
                r.nativeSync().add(nativeSync(pair, tables));
                r.cutover().add(cutover(pair, tables, i));
            }
        }
        return r;
    }

    private static double cutover(PgPair pair, BenchTables tables, int round) throws Exception {
        tables.truncate(pair.greenAdmin());
        try (ReplicationLink link = pair.link("copy" + round, true, BenchTables.DATA)) {
            long t0 = System.nanoTime();
            link.stream().start();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);
            double secs = (System.nanoTime() - t0) / 1e9;
            check(pair, tables, "Cutover");
            LOG.info("PG initial copy, Cutover: {} rows in {} s", tables.totalRows(), String.format("%.2f", secs));
            return tables.totalRows() / secs;
        }
    }

    private static double nativeSync(PgPair pair, BenchTables tables) throws Exception {
        tables.truncate(pair.greenAdmin());
        long t0 = System.nanoTime();
        try (NativeSubscription sub = NativeSubscription.create(pair, true)) {
            sub.awaitSynced(LIMIT);
            double secs = (System.nanoTime() - t0) / 1e9;
            check(pair, tables, "native");
            LOG.info("PG initial copy, native: {} rows in {} s", tables.totalRows(), String.format("%.2f", secs));
            return tables.totalRows() / secs;
        }
    }

    private static void check(PgPair pair, BenchTables tables, String who) throws Exception {
        long green = tables.count(pair.greenAdmin());
        if (green != tables.totalRows()) {
            throw new IllegalStateException(who + " copy: green has " + green + " rows, expected " + tables.totalRows());
        }
    }
}
