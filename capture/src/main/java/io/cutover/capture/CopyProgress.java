package io.cutover.capture;

import io.cutover.CopyStatus;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the rows of a bulk initial copy per table and logs where it stands every few seconds,
 * so a person watching a long copy sees it move, and gives the stream's status the copy's
 * {@linkplain #status() progress} (tables planned and done, the dialect's row estimates, the
 * tables recorded in the ledger when the dialect plans none). Thread-safe: copying threads report
 * at once.
 */
final class CopyProgress {

    private static final Logger LOG = LoggerFactory.getLogger(CopyProgress.class);

    static final long LOG_EVERY_MILLIS = 5_000;

    private final String stream;
    private final Clock clock;
    private final long startedMillis;
    private final Map<String, LongAdder> rows = new ConcurrentHashMap<>();
    private final AtomicLong lastLogMillis;
    private final Map<String, Long> planned = new ConcurrentHashMap<>();
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final Set<String> recorded = ConcurrentHashMap.newKeySet();

    CopyProgress(String stream, Clock clock) {
        this.stream = stream;
        this.clock = clock;
        this.startedMillis = clock.millis();
        this.lastLogMillis = new AtomicLong(startedMillis);
    }

    void add(String table, long count) {
        rows.computeIfAbsent(table, t -> new LongAdder()).add(count);
        long now = clock.millis();
        long last = lastLogMillis.get();
        if (now - last >= LOG_EVERY_MILLIS && lastLogMillis.compareAndSet(last, now)) {
            LOG.info("stream '{}': initial copy running, {}", stream, summary());
        }
    }

    /** The dialect plans to copy {@code table}, about {@code estimatedRows} rows ({@link CopyStatus#UNKNOWN} if unknown). */
    void planned(String table, long estimatedRows) {
        planned.put(java.util.Objects.requireNonNull(table, "table"), estimatedRows < 0 ? CopyStatus.UNKNOWN : estimatedRows);
    }

    /** Every row of {@code table} is copied. */
    void tableDone(String table) {
        done.add(java.util.Objects.requireNonNull(table, "table"));
    }

    /** The copy recorded a target table in its ledger: it writes there. */
    void recorded(String targetTable) {
        recorded.add(targetTable);
    }

    /**
     * Returns the copy's progress: tables done of those planned (or, if the dialect planned none,
     * of those recorded in the ledger so far), rows copied, and the sum of the row estimates if
     * every planned table has one.
     *
     * @return the progress now
     */
    CopyStatus status() {
        int total = !planned.isEmpty() ? planned.size() : recorded.isEmpty() ? CopyStatus.UNKNOWN : recorded.size();
        int tablesDone = total == CopyStatus.UNKNOWN ? done.size() : Math.min(done.size(), total);
        long estimated = planned.isEmpty() ? CopyStatus.UNKNOWN : 0;
        for (long e : planned.values()) {
            if (e == CopyStatus.UNKNOWN) {
                estimated = CopyStatus.UNKNOWN;
                break;
            }
            estimated += e;
        }
        return new CopyStatus(tablesDone, total, total(), estimated);
    }

    long total() {
        return rows.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * Describes the copy so far: total rows, rate, and rows per table.
     *
     * @return e.g. {@code 120000 rows in 2.0 s (60000 rows/s): orders 70000, users 50000}
     */
    String summary() {
        long total = total();
        long millis = Math.max(1, clock.millis() - startedMillis);
        Map<String, Long> perTable = new TreeMap<>();
        rows.forEach((t, n) -> perTable.put(t, n.sum()));
        StringBuilder sb = new StringBuilder().append(total).append(" rows in ")
                .append(String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0)).append(" s (")
                .append(total * 1000 / millis).append(" rows/s)");
        String sep = ": ";
        for (Map.Entry<String, Long> e : perTable.entrySet()) {
            sb.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        return sb.toString();
    }
}
