package io.cutover.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pgbench's built-in "tpcb-like" transaction from N unthrottled writer threads: random aid, tid,
 * bid and delta (-5000..5000) as pgbench draws them, then in one transaction update the account,
 * read its balance back, update the teller and the branch, and append a history row. Each
 * transaction borrows its connection from the given DataSource (a {@code ConnectionSwitcher} over
 * HikariCP pools) and gives it back, so a pause or a flip takes effect between transactions.
 * Committed and failed transactions are counted; a failure (a paused switcher, a guarded side)
 * does not stop the thread.
 */
final class TpcbLoad implements AutoCloseable {
    static final String THREAD_PREFIX = "tpcb-writer-";
    private static final Logger LOG = LoggerFactory.getLogger(TpcbLoad.class);
    private static final String UPDATE_ACCOUNT = "UPDATE " + TpcbTables.ACCOUNTS + " SET abalance = abalance + ? WHERE aid = ?";
    private static final String SELECT_ACCOUNT = "SELECT abalance FROM " + TpcbTables.ACCOUNTS + " WHERE aid = ?";
    private static final String UPDATE_TELLER = "UPDATE " + TpcbTables.TELLERS + " SET tbalance = tbalance + ? WHERE tid = ?";
    private static final String UPDATE_BRANCH = "UPDATE " + TpcbTables.BRANCHES + " SET bbalance = bbalance + ? WHERE bid = ?";
    private static final String INSERT_HISTORY = "INSERT INTO " + TpcbTables.HISTORY
            + " (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)";

    private final DataSource ds;
    private final TpcbTables tables;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    private TpcbLoad(DataSource ds, TpcbTables tables, int writers) {
        this.ds = ds;
        this.tables = tables;
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(this::write, THREAD_PREFIX + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /** Starts {@code writers} threads running the transaction against {@code ds} until {@link #close()}. */
    static TpcbLoad start(DataSource ds, TpcbTables tables, int writers) {
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be at least 1, was " + writers);
        }
        TpcbLoad load = new TpcbLoad(ds, tables, writers);
        load.threads.forEach(Thread::start);
        return load;
    }

    private void write() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (running) {
            int aid = 1 + r.nextInt((int) tables.accounts());
            int bid = 1 + r.nextInt(tables.scale());
            int tid = 1 + r.nextInt(tables.tellers());
            int delta = r.nextInt(-5000, 5001);
            try {
                transaction(aid, bid, tid, delta);
                committed.incrementAndGet();
            } catch (SQLException | RuntimeException e) {
                if (failed.incrementAndGet() <= 3) {
                    LOG.info("a TPC-B transaction failed (counted, the writer goes on): {}", e.getMessage());
                }
            }
        }
    }

    private void transaction(int aid, int bid, int tid, int delta) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(UPDATE_ACCOUNT)) {
                    ps.setInt(1, delta);
                    ps.setInt(2, aid);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(SELECT_ACCOUNT)) {
                    ps.setInt(1, aid);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(UPDATE_TELLER)) {
                    ps.setInt(1, delta);
                    ps.setInt(2, tid);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(UPDATE_BRANCH)) {
                    ps.setInt(1, delta);
                    ps.setInt(2, bid);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT_HISTORY)) {
                    ps.setInt(1, tid);
                    ps.setInt(2, bid);
                    ps.setInt(3, aid);
                    ps.setInt(4, delta);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool evicts it
        }
    }

    long committed() {
        return committed.get();
    }

    long failed() {
        return failed.get();
    }

    /** Stops the writers and waits for their transactions in flight. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
