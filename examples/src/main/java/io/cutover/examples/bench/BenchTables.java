package io.cutover.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The replicated tables: three data tables of about 100-byte rows ({@code t_a}, {@code t_b},
 * {@code t_c}), a marker table the native baseline uses as its fence, and a probe table for the
 * latency measure. The same tables serve Cutover and native replication, one after the other.
 */
final class BenchTables {
    static final String[] DATA = {"t_a", "t_b", "t_c"};
    static final String MARKER = "bench_marker";
    static final String PROBE = "bench_probe";
    /** Rows changed per source transaction in the backlog. */
    static final int CHANGES_PER_TX = 10;

    private final long rowsPerTable;
    private final String[] data;

    BenchTables(long totalRows) {
        this(totalRows, DATA);
    }

    /**
     * Tables of the same shape under other names (a subset of {@link #DATA} or new ones): everything
     * here (create, seed, change, checksum) then covers only these.
     */
    BenchTables(long totalRows, String... tables) {
        this.data = tables.clone();
        this.rowsPerTable = totalRows / data.length;
    }

    long rowsPerTable() {
        return rowsPerTable;
    }

    long totalRows() {
        return rowsPerTable * data.length;
    }

    void create(DataSource ds) throws SQLException {
        for (String t : data) {
            Sql.exec(ds, "CREATE TABLE " + t + " (id bigint PRIMARY KEY, k integer NOT NULL, v text NOT NULL,"
                    + " at timestamptz NOT NULL)");
        }
        Sql.exec(ds, "CREATE TABLE " + MARKER + " (id bigint PRIMARY KEY)",
                "CREATE TABLE " + PROBE + " (id bigint PRIMARY KEY, at timestamptz NOT NULL)");
    }

    void seed(DataSource blue) throws SQLException {
        for (String t : data) {
            Sql.exec(blue, "INSERT INTO " + t + " SELECT g, g % 1000, md5(g::text) || md5((g + 1)::text),"
                    + " now() FROM generate_series(1, " + rowsPerTable + ") g", "ANALYZE " + t);
        }
    }

    void truncate(DataSource ds) throws SQLException {
        Sql.exec(ds, "TRUNCATE " + String.join(", ", data));
    }

    long count(DataSource ds) throws SQLException {
        long n = 0;
        for (String t : data) {
            n += Sql.queryLong(ds, "SELECT count(*) FROM " + t);
        }
        return n;
    }

    /** A checksum of the data tables' k columns, to see that both sides hold the same changes. */
    long sumK(DataSource ds) throws SQLException {
        long n = 0;
        for (String t : data) {
            n += Sql.queryLong(ds, "SELECT coalesce(sum(k), 0) FROM " + t);
        }
        return n;
    }

    /** Makes {@code changes} row updates on blue, {@link #CHANGES_PER_TX} per transaction, over the three tables. */
    void change(DataSource blue, int changes) throws SQLException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        try (Connection c = blue.getConnection()) {
            c.setAutoCommit(false);
            PreparedStatement[] ps = new PreparedStatement[data.length];
            for (int i = 0; i < data.length; i++) {
                ps[i] = c.prepareStatement("UPDATE " + data[i] + " SET k = k + 1, at = now() WHERE id = ?");
            }
            for (int done = 0; done < changes; ) {
                int inTx = Math.min(CHANGES_PER_TX, changes - done);
                for (int i = 0; i < inTx; i++) {
                    PreparedStatement p = ps[(done + i) % data.length];
                    p.setLong(1, 1 + r.nextLong(rowsPerTable));
                    p.addBatch();
                }
                for (PreparedStatement p : ps) {
                    p.executeBatch();
                }
                c.commit();
                done += inTx;
            }
            for (PreparedStatement p : ps) {
                p.close();
            }
        }
    }
}
