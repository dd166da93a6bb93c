package io.cutover.capture;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the rows of a bulk initial copy per table and logs where it stands every few seconds,
 * so a person watching a long copy sees it move. Thread-safe: copying threads report at once.
 */
final class CopyProgress {

    private static final Logger LOG = LoggerFactory.getLogger(CopyProgress.class);

    static final long LOG_EVERY_MILLIS = 5_000;

    private final String stream;
    private final Clock clock;
    private final long startedMillis;
    private final Map<String, LongAdder> rows = new ConcurrentHashMap<>();
    private final AtomicLong lastLogMillis;

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
