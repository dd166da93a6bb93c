package io.cutover.examples.demo;

import io.cutover.ConnectionSwitcher;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's service: writer threads running small transactions through the
 * {@link ConnectionSwitcher} without pause: insert a user, change an email, now and then delete a
 * user. Each writer owns the ids with {@code id % writers == index}, so the {@link UserModel} it
 * updates after each commit is exact. Writers follow the schema of the side they are on: on green
 * they also write {@code phone}, as the new version of an application would.
 *
 * <p>{@link #start()} and {@link #stop()} may alternate; counters accumulate. Thread-safe.
 */
final class WriteLoad {

    private static final Logger LOG = LoggerFactory.getLogger(WriteLoad.class);

    private final ConnectionSwitcher switcher;
    private final UsersTable table;
    private final UserModel model;
    private final int writers;
    private final long intervalNanos;
    private final long[] nextId;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong onGreen = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile String lastFailure;

    WriteLoad(ConnectionSwitcher switcher, UsersTable table, UserModel model, int writers, int ratePerSecond) {
        this(switcher, table, model, writers, ratePerSecond, 1);
    }

    /**
     * A load whose new users get ids from {@code firstId} up (or past the model's largest id), so
     * instances that share a table never write each other's rows.
     */
    WriteLoad(ConnectionSwitcher switcher, UsersTable table, UserModel model, int writers, int ratePerSecond, long firstId) {
        this.switcher = switcher;
        this.table = table;
        this.model = model;
        this.writers = writers;
        this.intervalNanos = ratePerSecond == 0 ? 0 : 1_000_000_000L * writers / ratePerSecond;
        this.nextId = new long[writers];
        long base = Math.max(firstId, model.maxId() + 1);
        for (int i = 0; i < writers; i++) {
            long id = base;
            while (id % writers != i) {
                id++;
            }
            nextId[i] = id;
        }
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        threads.clear();
        for (int i = 0; i < writers; i++) {
            int index = i;
            Thread t = new Thread(() -> write(index), "writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Stops the writers and waits for their last transactions to end. */
    synchronized void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long acknowledgedOnGreen() {
        return onGreen.get();
    }

    long failed() {
        return failed.get();
    }

    String lastFailure() {
        return lastFailure;
    }

    /** The longest a single write took (waiting for a connection included) since the last call. */
    long takeSlowestMillis() {
        return slowestNanos.getAndSet(0) / 1_000_000;
    }

    private void write(int index) {
        Random random = new Random(index * 7919L + nextId[index]);
        List<Long> owned = model.idsOwnedBy(index, writers);
        int version = 1;
        long next = System.nanoTime();
        while (running) {
            if (intervalNanos > 0) {
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -1_000_000_000L) {
                    next = System.nanoTime(); // fell far behind (a pause): do not burst to catch up
                }
            }
            int dice = random.nextInt(100);
            long started = System.nanoTime();
            if (dice < 45 || owned.size() < 10) {
                User u = UserNames.user(nextId[index], 0);
                Outcome outcome = run(u.id(), (c, side) -> table.insert(c, u, side == Side.GREEN));
                if (outcome == Outcome.COMMITTED) {
                    model.put(u);
                    owned.add(u.id());
                }
                if (outcome != Outcome.FAILED) {
                    nextId[index] += writers;
                }
            } else if (dice < 92) {
                int at = random.nextInt(owned.size());
                long id = owned.get(at);
                String email = UserNames.email(id, version++);
                if (run(id, (c, side) -> table.updateEmail(c, id, email)) == Outcome.COMMITTED) {
                    model.put(new User(id, UserNames.user(id, 0).name(), email));
                }
            } else {
                int at = random.nextInt(owned.size());
                long id = owned.get(at);
                if (run(id, (c, side) -> table.delete(c, id)) == Outcome.COMMITTED) {
                    model.remove(id);
                    owned.set(at, owned.get(owned.size() - 1));
                    owned.remove(owned.size() - 1);
                }
            }
            slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        }
    }

    /** One transaction and what became of it. */
    private Outcome run(long id, Work work) {
        boolean committing = false;
        try (Connection c = switcher.getConnection()) {
            // The connection holds a write lease, so the switcher cannot flip until it closes.
            Side side = switcher.current();
            c.setAutoCommit(false);
            work.run(c, side);
            committing = true;
            c.commit();
            acknowledged.incrementAndGet();
            if (side == Side.GREEN) {
                onGreen.incrementAndGet();
            }
            return Outcome.COMMITTED;
        } catch (SQLException | RuntimeException e) {
            failed.incrementAndGet();
            lastFailure = e.getMessage();
            LOG.debug("write to user {} failed: {}", id, e.getMessage());
            if (committing) {
                model.markUncertain(id);
                return Outcome.UNKNOWN;
            }
            return Outcome.FAILED;
        }
    }

    /** Committed (acknowledged), failed before the commit (not written), or failed in it (unknown). */
    private enum Outcome { COMMITTED, FAILED, UNKNOWN }

    @FunctionalInterface
    private interface Work {
        void run(Connection c, Side side) throws SQLException;
    }
}
