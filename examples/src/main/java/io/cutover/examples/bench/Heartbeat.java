package io.cutover.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A row written on blue every 100 ms into {@link TpcbTables#HEARTBEAT} with the server's
 * {@code clock_timestamp()}: the age of the newest one on green is how far green is behind in time
 * (both servers share this machine's clock), with a resolution of about 100 ms. The same measure
 * serves the native subscription and Cutover.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    private static final long INTERVAL_NANOS = 100_000_000L;
    private final DataSource blue;
    private final AtomicLong written = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private Heartbeat(DataSource blue) {
        this.blue = blue;
        this.thread = new Thread(this::beat, "tpcb-heartbeat");
        thread.setDaemon(true);
    }

    static Heartbeat start(DataSource blue) throws SQLException {
        long first = Sql.queryLong(blue, "SELECT coalesce(max(id), 0) FROM " + TpcbTables.HEARTBEAT);
        Heartbeat h = new Heartbeat(blue);
        h.written.set(first);
        h.thread.start();
        return h;
    }

    private void beat() {
        long next = System.nanoTime();
        try (Connection c = blue.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + TpcbTables.HEARTBEAT + " VALUES (?, clock_timestamp())")) {
            while (running) {
                ps.setLong(1, written.get() + 1);
                ps.executeUpdate();
                written.incrementAndGet();
                next += INTERVAL_NANOS;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("heartbeat stopped: {}", e.getMessage());
        }
    }

    /** Waits until green has a heartbeat written after this call. */
    void awaitOnGreen(Connection green, Duration timeout) throws SQLException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long wanted = written.get() + 1;
        while (Sql.queryLong(green, "SELECT coalesce(max(id), 0) FROM " + TpcbTables.HEARTBEAT) < wanted) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                throw new TimeoutException("heartbeat " + wanted + " not on green after " + timeout
                        + (thread.isAlive() ? "" : " (the heartbeat writer stopped)"));
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
