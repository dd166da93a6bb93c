package io.cutover.scenario;

import io.cutover.ConnectionSwitcher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes through a switcher in this JVM, as a member JVM does, until closed. */
final class InJvmWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InJvmWriter.class);

    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    InJvmWriter(ConnectionSwitcher switcher, String insert) {
        thread = new Thread(() -> {
            long n = 0;
            while (!stop.get()) {
                String tag = "c-" + (n++);
                try (Connection c = switcher.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setString(1, tag);
                    ps.setString(2, "coordinator");
                    ps.executeUpdate();
                    acked.add(tag);
                } catch (SQLException | RuntimeException e) {
                    refused.incrementAndGet();
                    log.warn("coordinator's write {} refused: {}", tag, e.getMessage());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }, "coordinator-writes");
        thread.setDaemon(true);
        thread.start();
    }

    Set<String> acked() {
        return acked;
    }

    int refused() {
        return refused.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
