package io.cutover.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Application throughput with and without the switcher: a pgbench-like transaction (update an
 * account, read it back, update its teller and branch, append history) run by several threads for
 * a fixed time, alternately on the pool and through the switcher (ABBA), so drift on a shared machine
 * hits both alike. Reports each run's transactions per second and the ratio of the medians.
 */
final class ThroughputComparison {
    private static final int BRANCHES = 10;
    private static final int TELLERS = 100;
    private static final int ACCOUNTS = 100_000;

    /** One side's runs. */
    record Series(String name, List<Double> txPerSecond) {
        double median() {
            List<Double> s = new ArrayList<>(txPerSecond);
            Collections.sort(s);
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }
    }

    /** Both sides and their ratio. */
    record Result(Series pool, Series switcher, int threads, Duration runLength) {
        double ratio() {
            return switcher.median() / pool.median();
        }
    }

    private ThroughputComparison() {
    }

    static Result run(BenchDatabase db, int threads, Duration runLength, int rounds) throws Exception {
        schema(db.pool);
        Series pool = new Series("pool", new ArrayList<>());
        Series switcher = new Series("switcher", new ArrayList<>());
        measure(db.pool, threads, Duration.ofSeconds(3)); // warm-up, not counted
        measure(db.switcher, threads, Duration.ofSeconds(3));
        // ABBA order: the tables grow as the runs go on, so neither side may always run second
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                pool.txPerSecond().add(measure(db.pool, threads, runLength));
                switcher.txPerSecond().add(measure(db.switcher, threads, runLength));
            } else {
                switcher.txPerSecond().add(measure(db.switcher, threads, runLength));
                pool.txPerSecond().add(measure(db.pool, threads, runLength));
            }
        }
        return new Result(pool, switcher, threads, runLength);
    }

    private static void schema(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS b_history, b_accounts, b_tellers, b_branches");
            st.execute("CREATE TABLE b_branches (bid int PRIMARY KEY, bbalance bigint NOT NULL)");
            st.execute("CREATE TABLE b_tellers (tid int PRIMARY KEY, bid int NOT NULL, tbalance bigint NOT NULL)");
            st.execute("CREATE TABLE b_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance bigint NOT NULL)");
            st.execute("CREATE TABLE b_history (tid int, bid int, aid int, delta int, mtime timestamptz)");
            st.execute("INSERT INTO b_branches SELECT g, 0 FROM generate_series(1, " + BRANCHES + ") g");
            st.execute("INSERT INTO b_tellers SELECT g, 1 + g % " + BRANCHES + ", 0 FROM generate_series(1, " + TELLERS + ") g");
            st.execute("INSERT INTO b_accounts SELECT g, 1 + g % " + BRANCHES + ", 0 FROM generate_series(1, " + ACCOUNTS + ") g");
            c.commit();
            c.setAutoCommit(true); // VACUUM cannot run inside a transaction
            st.execute("VACUUM ANALYZE");
            c.setAutoCommit(false);
        }
    }

    private static double measure(DataSource ds, int threads, Duration length) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        transaction(ds);
                        done.incrementAndGet();
                    } catch (SQLException e) {
                        errors.add(e);
                        return;
                    }
                }
            }, "bench-" + i);
            workers.add(t);
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(length.toMillis()); // the measured interval itself, not a wait for a condition
        running.set(false);
        for (Thread t : workers) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!errors.isEmpty()) {
            throw new IllegalStateException("benchmark transaction failed: " + errors.get(0), errors.get(0));
        }
        return done.get() / seconds;
    }

    private static void transaction(DataSource ds) throws SQLException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int aid = r.nextInt(1, ACCOUNTS + 1);
        int tid = r.nextInt(1, TELLERS + 1);
        int bid = r.nextInt(1, BRANCHES + 1);
        int delta = r.nextInt(-5000, 5001);
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement a = c.prepareStatement("UPDATE b_accounts SET abalance = abalance + ? WHERE aid = ?");
                    PreparedStatement s = c.prepareStatement("SELECT abalance FROM b_accounts WHERE aid = ?");
                    PreparedStatement t = c.prepareStatement("UPDATE b_tellers SET tbalance = tbalance + ? WHERE tid = ?");
                    PreparedStatement b = c.prepareStatement("UPDATE b_branches SET bbalance = bbalance + ? WHERE bid = ?");
                    PreparedStatement h = c.prepareStatement(
                            "INSERT INTO b_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, now())")) {
                a.setInt(1, delta);
                a.setInt(2, aid);
                a.executeUpdate();
                s.setInt(1, aid);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                }
                t.setInt(1, delta);
                t.setInt(2, tid);
                t.executeUpdate();
                b.setInt(1, delta);
                b.setInt(2, bid);
                b.executeUpdate();
                h.setInt(1, tid);
                h.setInt(2, bid);
                h.setInt(3, aid);
                h.setInt(4, delta);
                h.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
