package io.cutover.examples.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The baseline: PostgreSQL's own logical replication from blue to green, a publication on blue
 * over the benchmark's tables and a subscription on green.
 */
final class NativeSubscription implements AutoCloseable {
    private static final String PUB = "bench_native_pub";
    private static final String SUB = "bench_native_sub";
    private final PgPair pair;

    private NativeSubscription(PgPair pair) {
        this.pair = pair;
    }

    /**
     * Creates the publication and the subscription, with or without its initial table sync.
     * Returns as soon as the subscription exists; the sync runs in the servers' workers.
     */
    static NativeSubscription create(PgPair pair, boolean copyData) throws SQLException {
        Sql.exec(pair.blueAdmin(), "CREATE PUBLICATION " + PUB + " FOR TABLE " + String.join(", ", BenchTables.DATA)
                + ", " + BenchTables.MARKER + ", " + BenchTables.PROBE);
        Sql.exec(pair.greenAdmin(), "CREATE SUBSCRIPTION " + SUB + " CONNECTION '" + pair.blueConnInfo()
                + "' PUBLICATION " + PUB + " WITH (copy_data = " + copyData + ")");
        return new NativeSubscription(pair);
    }

    /** Waits until every table of the subscription is in state 'r' (ready). */
    void awaitSynced(Duration timeout) throws SQLException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection g = pair.greenAdmin().getConnection()) {
            while (Sql.queryLong(g, "SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid"
                    + " WHERE s.subname = '" + SUB + "' AND r.srsubstate <> 'r'") > 0) {
                pause(deadline, "table sync", 10_000_000);
            }
        }
    }

    /** Inserts a marker row on blue and waits until green has it: every earlier blue commit is then applied. */
    void awaitMarker(long id, Duration timeout) throws SQLException, TimeoutException {
        Sql.exec(pair.blueAdmin(), "INSERT INTO " + BenchTables.MARKER + " VALUES (" + id + ")");
        awaitOnGreen(BenchTables.MARKER, id, timeout);
    }

    void awaitOnGreen(String table, long id, Duration timeout) throws SQLException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection g = pair.greenAdmin().getConnection()) {
            while (Sql.queryLong(g, "SELECT count(*) FROM " + table + " WHERE id = " + id) == 0) {
                pause(deadline, table + " row " + id, 500_000);
            }
        }
    }

    void disable() throws SQLException, TimeoutException {
        Sql.exec(pair.greenAdmin(), "ALTER SUBSCRIPTION " + SUB + " DISABLE");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // The apply worker exits asynchronously; the slot stays on blue and keeps the changes.
        while (Sql.queryLong(pair.greenAdmin(), "SELECT count(*) FROM pg_stat_subscription WHERE subname = '" + SUB
                + "' AND pid IS NOT NULL") > 0) {
            pause(deadline, "apply worker exit", 10_000_000);
        }
    }

    void enable() throws SQLException {
        Sql.exec(pair.greenAdmin(), "ALTER SUBSCRIPTION " + SUB + " ENABLE");
    }

    private static void pause(long deadline, String what, long nanos) throws TimeoutException {
        if (System.nanoTime() > deadline) {
            throw new TimeoutException("native subscription: " + what + " not done in time");
        }
        LockSupport.parkNanos(nanos);
    }

    /** Drops the subscription (and with it the slot on blue) and the publication. */
    @Override
    public void close() throws SQLException {
        Sql.exec(pair.greenAdmin(), "DROP SUBSCRIPTION IF EXISTS " + SUB);
        Sql.exec(pair.blueAdmin(), "DROP PUBLICATION IF EXISTS " + PUB);
    }
}
