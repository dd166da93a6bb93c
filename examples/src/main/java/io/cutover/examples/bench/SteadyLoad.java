package io.cutover.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A paced write load: threads each committing one-row updates at a fixed share of the total rate,
 * each in its own transaction, on whatever side the DataSource leads to. Failed writes (a paused
 * switcher, a guarded side) are counted and the thread carries on.
 */
final class SteadyLoad implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SteadyLoad.class);
    private final DataSource ds;
    private final String table;
    private final long rows;
    private final long intervalNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    private SteadyLoad(DataSource ds, String table, long rows, int threadCount, int txPerSecond) {
        this.ds = ds;
        this.table = table;
        this.rows = rows;
        this.intervalNanos = 1_000_000_000L * threadCount / txPerSecond;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::write, "bench-load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    static SteadyLoad start(DataSource ds, String table, long rows, int threads, int txPerSecond) {
        SteadyLoad load = new SteadyLoad(ds, table, rows, threads, txPerSecond);
        load.threads.forEach(Thread::start);
        return load;
    }

    private void write() {
        long next = System.nanoTime();
        String sql = "UPDATE " + table + " SET k = k + 1, at = now() WHERE id = ?";
        while (running) {
            next += intervalNanos;
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                ps.setLong(1, 1 + ThreadLocalRandom.current().nextLong(rows));
                ps.executeUpdate();
                committed.incrementAndGet();
            } catch (SQLException | RuntimeException e) {
                if (failed.incrementAndGet() == 1) {
                    LOG.debug("a write failed: {}", e.getMessage());
                }
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime(); // behind: do not burst to catch up
            }
        }
    }

    long committed() {
        return committed.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(5000);
        }
    }
}
