package io.cutover.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The transactions that hold a write lock on some tables at one moment, read from {@code pg_locks},
 * and the wait until each of them has ended. This is how {@link PgGuard} waits for writers already
 * inside a transaction without taking the tables' locks itself (which would queue behind an
 * autovacuum).
 *
 * <p>A transaction can change a table's rows only while it holds {@code RowExclusiveLock}
 * ({@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}, {@code COPY FROM}) or
 * {@code AccessExclusiveLock} ({@code TRUNCATE}) on it, until it ends; so the transactions holding
 * one of those (or {@code ShareRowExclusiveLock}, {@code ExclusiveLock}) at a moment are all those that
 * may have written the table before it. A transaction is identified by its virtual transaction id,
 * which it holds a lock on until it ends; a prepared transaction (two-phase commit) keeps its
 * locks, under a virtual id of its own, until {@code COMMIT PREPARED} or {@code ROLLBACK PREPARED}.
 * Not thread-safe: each call uses the connection it is given.
 */
final class PgOpenWriters {

    /** How long the wait sleeps between two looks at {@code pg_locks}. */
    static final long POLL_NANOS = 1_000_000;

    private static final String WRITE_MODES = "'RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'";
    private static final String DETAILS = "SELECT l.virtualtransaction, l.pid, a.application_name, a.state,"
            + " (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint,"
            + " string_agg(DISTINCT l.relation::regclass::text || ' (' || l.mode || ')', ', ')"
            + " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.virtualtransaction = ANY (?::text[]) AND l.locktype = 'relation' AND l.mode IN (" + WRITE_MODES + ")"
            + " GROUP BY 1, 2, 3, 4, 5";
    private static final String STILL_OPEN = "SELECT DISTINCT virtualtransaction FROM pg_locks WHERE virtualtransaction = ANY (?::text[])";

    private PgOpenWriters() {
    }

    /**
     * One transaction that held a write lock on a table.
     *
     * @param vxid its virtual transaction id
     * @param pid its backend's process id, or null for a prepared transaction
     * @param application its session's {@code application_name}, or null
     * @param state its session's state ({@code idle in transaction}, {@code active} ...), or null
     * @param openMillis how long the transaction had been open, or null
     * @param locks the tables and lock modes it held
     */
    record Writer(String vxid, Integer pid, String application, String state, Long openMillis, String locks) {

        /** Names the transaction for a person who has to end it. */
        String describe() {
            if (pid == null) {
                return "prepared transaction " + vxid + " holding " + locks + " (see pg_prepared_xacts: COMMIT PREPARED"
                        + " or ROLLBACK PREPARED it)";
            }
            return "pid " + pid + " (application_name '" + (application == null ? "" : application) + "', " + state
                    + (openMillis == null ? "" : ", transaction open " + openMillis + " ms") + ", holding " + locks + ")";
        }
    }

    /**
     * Returns the query that reads the virtual transaction ids of the transactions, other than the
     * connection's own, that hold a write lock on the tables now; it takes no parameter, so that it
     * can follow other statements in one round trip.
     *
     * @param tables the tables, schema-qualified and quoted as in SQL
     * @return the query
     */
    static String snapshotSql(List<String> tables) {
        String names = tables.stream().map(t -> "'" + t.replace("'", "''") + "'").collect(java.util.stream.Collectors.joining(", "));
        return "SELECT DISTINCT virtualtransaction FROM pg_locks WHERE locktype = 'relation' AND granted"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND relation = ANY (ARRAY(SELECT to_regclass(t)::oid FROM unnest(ARRAY[" + names + "]::text[]) t))"
                + " AND mode IN (" + WRITE_MODES + ") AND pid IS DISTINCT FROM pg_backend_pid()";
    }

    /**
     * Describes open transactions for a person who has to end them.
     *
     * @param c the connection, in auto-commit mode
     * @param vxids their virtual transaction ids
     * @return one entry for each that is still open
     * @throws SQLException if the query fails
     */
    static List<Writer> describe(Connection c, List<String> vxids) throws SQLException {
        List<Writer> writers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DETAILS)) {
            ps.setArray(1, c.createArrayOf("text", vxids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    writers.add(new Writer(rs.getString(1), (Integer) rs.getObject(2), rs.getString(3), rs.getString(4),
                            (Long) rs.getObject(5), rs.getString(6)));
                }
            }
        }
        return writers;
    }

    /**
     * Waits until every one of the transactions has ended, looking every millisecond, or until the
     * deadline.
     *
     * @param c the connection, in auto-commit mode
     * @param vxids the transactions' virtual transaction ids
     * @param deadlineNanos when to give up, on {@link System#nanoTime()}'s scale
     * @return those still open at the deadline, or when the thread was interrupted (its interrupt
     *     flag then stays set); empty when all ended
     * @throws SQLException if a query fails
     */
    static List<String> awaitEnd(Connection c, List<String> vxids, long deadlineNanos) throws SQLException {
        List<String> open = vxids;
        while (!open.isEmpty()) {
            Set<String> still = stillOpen(c, open);
            open = open.stream().filter(still::contains).toList();
            if (open.isEmpty() || System.nanoTime() - deadlineNanos >= 0 || Thread.currentThread().isInterrupted()) {
                break;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return open;
    }

    private static Set<String> stillOpen(Connection c, List<String> vxids) throws SQLException {
        Set<String> still = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(STILL_OPEN)) {
            Array array = c.createArrayOf("text", vxids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    still.add(rs.getString(1));
                }
            }
        }
        return still;
    }
}
