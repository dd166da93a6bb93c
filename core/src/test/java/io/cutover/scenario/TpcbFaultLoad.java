package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ConnectionSwitcher;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TPC-B-shaped load for the fault scenarios, in SQL both dialects accept: unpaced writers, each
 * transaction {@code UPDATE accounts; UPDATE tellers; UPDATE branches; INSERT history} through the
 * switcher, with a tag of its own recorded only once its commit returned (acknowledged), or as
 * uncertain when the commit itself failed. Deadlocks, serialization failures and lock timeouts
 * are retried as an application would, under a new tag; a lost connection is retried after a
 * short pause. Scale: one branch, ten tellers, {@value #ACCOUNTS} accounts.
 *
 * <p>Afterwards {@link #assertCompleteAndEqual(Side)} checks that every acknowledged tag is on the
 * given side exactly once, that no tag is there that no writer committed, that both sides have the
 * same row counts and sums per table, and that each side is consistent in itself: every
 * transaction moved the same delta into an account, a teller and the branch, so the four sums agree.
 */
final class TpcbFaultLoad implements AutoCloseable {
    /** Accounts at this scale (pgbench's scale 1 has 100k; 10k keeps the set-up fast). */
    static final int ACCOUNTS = 10_000;
    private static final int TELLERS = 10;

    private final Sides sides;
    private final Tables t;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    private final Set<Long> uncertain = ConcurrentHashMap.newKeySet();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final CountDownLatch finished;

    /** The four tables of one case, named by its prefix. */
    record Tables(String accounts, String tellers, String branches, String history) {
        static Tables of(String prefix) {
            return new Tables(prefix + "_accounts", prefix + "_tellers", prefix + "_branches", prefix + "_history");
        }

        String[] all() {
            return new String[] {accounts, tellers, branches, history};
        }
    }

    /**
     * Creates the four tables on both sides and fills them identically, so a link over them needs
     * no initial copy.
     *
     * @param sides the servers
     * @param prefix the case's table prefix
     * @return the tables
     * @throws SQLException if a side cannot be written
     */
    static Tables create(Sides sides, String prefix) throws SQLException {
        Tables t = Tables.of(prefix);
        for (Side side : Side.values()) {
            sides.exec(side,
                    "CREATE TABLE " + t.branches + " (bid INT PRIMARY KEY, bbalance BIGINT NOT NULL)",
                    "CREATE TABLE " + t.tellers + " (tid INT PRIMARY KEY, bid INT NOT NULL, tbalance BIGINT NOT NULL)",
                    "CREATE TABLE " + t.accounts + " (aid INT PRIMARY KEY, bid INT NOT NULL, abalance BIGINT NOT NULL)",
                    "CREATE TABLE " + t.history + " (tag BIGINT PRIMARY KEY, tid INT NOT NULL, bid INT NOT NULL,"
                            + " aid INT NOT NULL, delta INT NOT NULL)");
            try (Connection c = sides.app(side).getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + t.branches + " VALUES (1, 0)");
                st.executeUpdate(values("INSERT INTO " + t.tellers + " VALUES ", 1, TELLERS, "(%d, 1, 0)"));
                for (int from = 1; from <= ACCOUNTS; from += 1000) {
                    st.executeUpdate(values("INSERT INTO " + t.accounts + " VALUES ", from, from + 999, "(%d, 1, 0)"));
                }
            }
        }
        return t;
    }

    private static String values(String insert, int from, int to, String row) {
        StringJoiner rows = new StringJoiner(", ", insert, "");
        for (int i = from; i <= to; i++) {
            rows.add(String.format(row, i));
        }
        return rows.toString();
    }

    /**
     * Starts {@code count} unpaced writers through {@code switcher}.
     *
     * @param sides the servers, read directly for the checks
     * @param switcher where the writers take their connections
     * @param tables the tables {@link #create} made
     * @param count how many writers
     */
    TpcbFaultLoad(Sides sides, ConnectionSwitcher switcher, Tables tables, int count) {
        this.sides = sides;
        this.t = tables;
        this.finished = new CountDownLatch(count);
        for (int w = 1; w <= count; w++) {
            int id = w;
            Thread thread = new Thread(() -> {
                try {
                    write(id, switcher);
                } finally {
                    finished.countDown();
                }
            }, "tpcb-writer-" + w);
            thread.start();
        }
    }

    private void write(int writer, ConnectionSwitcher switcher) {
        String account = "UPDATE " + t.accounts + " SET abalance = abalance + ? WHERE aid = ?";
        String teller = "UPDATE " + t.tellers + " SET tbalance = tbalance + ? WHERE tid = ?";
        String branch = "UPDATE " + t.branches + " SET bbalance = bbalance + ? WHERE bid = ?";
        String history = "INSERT INTO " + t.history + " VALUES (?, ?, ?, ?, ?)";
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long seq = 0;
        while (!stop.get()) {
            long tag = writer * 1_000_000_000L + (++seq);
            int aid = 1 + random.nextInt(ACCOUNTS);
            int tid = 1 + random.nextInt(TELLERS);
            int delta = random.nextInt(-5000, 5001);
            boolean committing = false;
            try (Connection c = switcher.getConnection()) {
                c.setAutoCommit(false);
                try {
                    update(c, account, delta, aid);
                    update(c, teller, delta, tid);
                    update(c, branch, delta, 1);
                    try (PreparedStatement ps = c.prepareStatement(history)) {
                        ps.setLong(1, tag);
                        ps.setInt(2, tid);
                        ps.setInt(3, 1);
                        ps.setInt(4, aid);
                        ps.setInt(5, delta);
                        ps.executeUpdate();
                    }
                    committing = true;
                    c.commit();
                } catch (SQLException e) {
                    if (!committing) {
                        rollBack(c, e);
                    }
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                if (committing) {
                    uncertain.add(tag); // the session may end between commit and its answer
                }
                if (e instanceof SQLException s && retryable(s)) {
                    retried.incrementAndGet(); // the server rolled it back: retry at once, as an application does
                } else {
                    failures.incrementAndGet();
                    pause(); // the server or the network may be down: do not spin
                }
                continue;
            }
            acked.add(tag);
        }
    }

    private static void rollBack(Connection c, SQLException cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is gone: the server rolled it back
        }
    }

    private static void update(Connection c, String sql, int delta, int key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, delta);
            ps.setInt(2, key);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException(sql + " with key " + key + " updated no row");
            }
        }
    }

    /** Deadlock or serialization failure (both dialects), MySQL/MariaDB lock wait timeout. */
    private static boolean retryable(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        return state.equals("40001") || state.equals("40P01") || e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return how many transactions were acknowledged so far */
    int ackedCount() {
        return acked.size();
    }

    /** @return transactions whose commit failed without an answer */
    int uncertainCount() {
        return uncertain.size();
    }

    /** @return transactions the server rolled back (deadlock, serialization, lock timeout) and the writer retried */
    long retried() {
        return retried.get();
    }

    /** @return transactions that failed otherwise (a lost connection, a server down) */
    long failures() {
        return failures.get();
    }

    /** Stops the writers and waits for them. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        finished.await();
    }

    /**
     * Checks, once the writers stopped and the stream applied a fence: every acknowledged tag is on
     * {@code side} exactly once and no tag no writer committed is there; both sides have the same
     * rows in history and the same count and sum per table; each side's four sums agree.
     *
     * @param side where every acknowledged tag must be
     * @throws SQLException if a side cannot be read
     */
    void assertCompleteAndEqual(Side side) throws SQLException {
        List<Long> tags = tags(side);
        assertThat(new HashSet<>(tags)).as("tags on %s are unique", side).hasSize(tags.size());
        Set<Long> present = new HashSet<>(tags);
        assertThat(acked.stream().filter(tag -> !present.contains(tag)).toList())
                .as("acknowledged tags missing on %s", side).isEmpty();
        Set<Long> known = new HashSet<>(acked);
        known.addAll(uncertain);
        assertThat(tags.stream().filter(tag -> !known.contains(tag)).toList()).as("tags no writer committed").isEmpty();
        assertThat(tags(Side.GREEN)).as("history: green equals blue").isEqualTo(tags(Side.BLUE));
        List<List<Long>> blue = totals(Side.BLUE);
        List<List<Long>> green = totals(Side.GREEN);
        assertThat(green).as("count and sum per table (accounts, tellers, branches, history): green equals blue")
                .isEqualTo(blue);
        for (List<List<Long>> totals : List.of(blue, green)) {
            assertThat(totals.stream().map(c -> c.get(1)).distinct().toList())
                    .as("sum(abalance) = sum(tbalance) = sum(bbalance) = sum(delta) on each side").hasSize(1);
        }
        assertThat(blue.get(3).get(0)).as("history rows").isEqualTo((long) tags.size());
    }

    private List<Long> tags(Side side) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = sides.app(side).getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT tag FROM " + t.history + " ORDER BY tag")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** [count, sum] of accounts, tellers, branches and history, in that order. */
    private List<List<Long>> totals(Side side) throws SQLException {
        String[][] sums = {{t.accounts, "abalance"}, {t.tellers, "tbalance"}, {t.branches, "bbalance"}, {t.history, "delta"}};
        List<List<Long>> out = new ArrayList<>();
        try (Connection c = sides.app(side).getConnection(); Statement st = c.createStatement()) {
            for (String[] s : sums) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(" + s[1] + "), 0) FROM " + s[0])) {
                    rs.next();
                    out.add(List.of(rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }
}
