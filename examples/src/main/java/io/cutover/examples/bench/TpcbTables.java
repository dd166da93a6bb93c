package io.cutover.examples.bench;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * pgbench's TPC-B schema, written out here instead of run by the pgbench binary:
 * {@code pgbench_branches} (scale rows), {@code pgbench_tellers} (10 per branch),
 * {@code pgbench_accounts} (100,000 per branch, loaded with COPY) and {@code pgbench_history},
 * with pgbench's column types and filler widths so rows are as wide as pgbench's.
 *
 * <p>One difference: pgbench's history has no primary key, and both Cutover and a native
 * subscription that replicates inserts only need none, but Cutover requires one on every table it
 * replicates, so history gets {@code hid bigserial PRIMARY KEY}. That adds an 8-byte column and a
 * sequence call per transaction on the writers' side, on both sides of the comparison alike.
 *
 * <p>Two small tables of the benchmark's own ride along: {@code tpcb_heartbeat} (a timestamp row
 * written on blue every 100 ms, whose newest copy on green tells how far green is behind) and
 * {@code tpcb_marker} (the native baseline's fence).
 */
final class TpcbTables {
    static final String BRANCHES = "pgbench_branches";
    static final String TELLERS = "pgbench_tellers";
    static final String ACCOUNTS = "pgbench_accounts";
    static final String HISTORY = "pgbench_history";
    static final String HEARTBEAT = "tpcb_heartbeat";
    static final String MARKER = "tpcb_marker";
    /** Every table either replication carries. */
    static final String[] ALL = {BRANCHES, TELLERS, ACCOUNTS, HISTORY, HEARTBEAT, MARKER};
    /** Row changes per TPC-B transaction: three updates and one insert (the SELECT changes nothing). */
    static final int CHANGES_PER_TX = 4;
    static final int TELLERS_PER_BRANCH = 10;
    static final int ACCOUNTS_PER_BRANCH = 100_000;
    private static final int COPY_CHUNK = 50_000;

    private final int scale;

    TpcbTables(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, was " + scale);
        }
        this.scale = scale;
    }

    int scale() {
        return scale;
    }

    long accounts() {
        return (long) ACCOUNTS_PER_BRANCH * scale;
    }

    int tellers() {
        return TELLERS_PER_BRANCH * scale;
    }

    void create(DataSource ds) throws SQLException {
        Sql.exec(ds,
                "CREATE TABLE " + BRANCHES + " (bid int PRIMARY KEY, bbalance int NOT NULL, filler char(88))",
                "CREATE TABLE " + TELLERS + " (tid int PRIMARY KEY, bid int NOT NULL, tbalance int NOT NULL, filler char(84))",
                "CREATE TABLE " + ACCOUNTS + " (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84))",
                "CREATE TABLE " + HISTORY + " (hid bigserial PRIMARY KEY, tid int, bid int, aid int, delta int,"
                        + " mtime timestamp, filler char(22))",
                "CREATE TABLE " + HEARTBEAT + " (id bigint PRIMARY KEY, at timestamptz NOT NULL)",
                "CREATE TABLE " + MARKER + " (id bigint PRIMARY KEY)");
    }

    /**
     * Empties every table and loads pgbench's initial data (all balances 0), accounts through COPY,
     * then VACUUM ANALYZE. Run on both sides before any replication exists, so both start equal.
     */
    void reload(DataSource ds) throws SQLException {
        Sql.exec(ds, "TRUNCATE " + String.join(", ", ALL) + " RESTART IDENTITY");
        Sql.exec(ds, "INSERT INTO " + BRANCHES + " SELECT g, 0, '' FROM generate_series(1, " + scale + ") g",
                "INSERT INTO " + TELLERS + " SELECT g, 1 + (g - 1) / " + TELLERS_PER_BRANCH + ", 0, ''"
                        + " FROM generate_series(1, " + tellers() + ") g");
        try (Connection c = ds.getConnection()) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder sb = new StringBuilder(COPY_CHUNK * 16);
            for (long aid = 1; aid <= accounts(); aid++) {
                // bid, abalance 0, filler empty (char(84) pads it, as pgbench's load does)
                sb.append(aid).append('\t').append(1 + (aid - 1) / ACCOUNTS_PER_BRANCH).append("\t0\t\n");
                if (aid % COPY_CHUNK == 0 || aid == accounts()) {
                    copy.copyIn("COPY " + ACCOUNTS + " (aid, bid, abalance, filler) FROM STDIN", new StringReader(sb.toString()));
                    sb.setLength(0);
                }
            }
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into " + ACCOUNTS + " failed: " + e.getMessage(), e);
        }
        Sql.exec(ds, "VACUUM ANALYZE " + String.join(", ", ALL));
    }

    /** Transactions committed since the reload, as seen by this side: one history row each. */
    static long historyRows(Connection c) throws SQLException {
        return Sql.queryLong(c, "SELECT count(*) FROM " + HISTORY);
    }

    /** A checksum over all balances and history deltas, to see that both sides hold the same transactions. */
    static long checksum(DataSource ds) throws SQLException {
        return Sql.queryLong(ds, "SELECT (SELECT coalesce(sum(abalance), 0) FROM " + ACCOUNTS + ")"
                + " + 3 * (SELECT coalesce(sum(tbalance), 0) FROM " + TELLERS + ")"
                + " + 7 * (SELECT coalesce(sum(bbalance), 0) FROM " + BRANCHES + ")"
                + " + 11 * (SELECT coalesce(sum(delta::bigint * aid), 0) FROM " + HISTORY + ")"
                + " + 13 * (SELECT count(*) FROM " + HISTORY + ")");
    }
}
