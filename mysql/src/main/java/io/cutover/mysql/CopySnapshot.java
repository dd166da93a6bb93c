package io.cutover.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consistent snapshot of the source for the bulk copy, and the binlog position it stands at:
 * every transaction committed before the position is visible in the snapshot, none after it.
 *
 * <ul>
 *   <li>MariaDB, lock-free: {@code START TRANSACTION WITH CONSISTENT SNAPSHOT}, then the status
 *       variables {@code binlog_snapshot_file} / {@code binlog_snapshot_position}, which the
 *       server fixes at the moment the snapshot was taken (what {@code mariadb-dump
 *       --single-transaction --master-data} relies on), and {@code BINLOG_GTID_POS()} of them for
 *       the GTID position. One connection only: a second snapshot would stand at another
 *       point.</li>
 *   <li>MySQL: {@code FLUSH TABLES WITH READ LOCK} (bounded by {@code lock_wait_timeout}), a
 *       snapshot started on each connection while no commit can happen, the binary log position
 *       and executed GTID set read under the same lock, then {@code UNLOCK TABLES}. The lock is held
 *       for a few round trips; several connections share the one point, so tables may be copied
 *       in parallel. Not tested here (the MySQL tests need Docker).</li>
 * </ul>
 * The connections stay in their read-only transaction until {@link #close()}. Not thread-safe;
 * each {@link #connections() connection} is used by one thread.
 */
final class CopySnapshot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CopySnapshot.class);

    private final List<Connection> connections;
    private final BinlogPosition.FileOffset position;
    private final String gtids;

    private CopySnapshot(List<Connection> connections, BinlogPosition.FileOffset position, String gtids) {
        this.connections = connections;
        this.position = position;
        this.gtids = gtids;
    }

    /**
     * Opens the snapshot.
     *
     * @param flavour the source's flavour
     * @param source the source
     * @param parallel how many connections MySQL may share the snapshot over (MariaDB always uses one)
     * @param lockWaitSeconds how long MySQL's global read lock may wait for running statements
     * @return the open snapshot
     * @throws SQLException if the server refuses, or reports no binlog position
     */
    static CopySnapshot open(Flavour flavour, DataSource source, int parallel, long lockWaitSeconds) throws SQLException {
        return flavour == Flavour.MARIADB ? mariaDb(source) : mySql(source, Math.max(1, parallel), lockWaitSeconds);
    }

    private static CopySnapshot mariaDb(DataSource source) throws SQLException {
        Connection c = snapshotConnection(source);
        try {
            begin(c);
            Map<String, String> status = new LinkedHashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    status.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2));
                }
            }
            String file = status.get("binlog_snapshot_file");
            String pos = status.get("binlog_snapshot_position");
            if (file == null || file.isEmpty() || pos == null) {
                throw new SQLException("the source reports no binlog_snapshot_file/binlog_snapshot_position (" + status
                        + "); the copy needs log_bin=ON");
            }
            BinlogPosition.FileOffset at = new BinlogPosition.FileOffset(file, Long.parseLong(pos));
            // The connector resumes MariaDB by GTID and refuses an offset without one; the server
            // translates the snapshot's file and offset into the GTID position there.
            String gtids;
            try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                ps.setString(1, at.file());
                ps.setLong(2, at.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    gtids = rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
                }
            }
            LOG.debug("MariaDB snapshot at {} gtids '{}'", at, gtids);
            return new CopySnapshot(List.of(c), at, gtids);
        } catch (SQLException | RuntimeException e) {
            quietlyClose(c);
            throw e;
        }
    }

    private static CopySnapshot mySql(DataSource source, int parallel, long lockWaitSeconds) throws SQLException {
        List<Connection> opened = new ArrayList<>();
        try (Connection lock = source.getConnection()) {
            // Opened before the lock: a login inside it would hold every writer for longer.
            for (int i = 0; i < parallel; i++) {
                opened.add(snapshotConnection(source));
            }
            BinlogPosition.FileOffset at;
            String gtids;
            try (Statement st = lock.createStatement()) {
                st.execute("SET SESSION lock_wait_timeout = " + Math.max(1, lockWaitSeconds));
                st.execute("FLUSH TABLES WITH READ LOCK");
                try {
                    for (Connection c : opened) {
                        begin(c);
                    }
                    at = BinlogPosition.fileAndOffset(lock, Flavour.MYSQL).orElseThrow(() ->
                            new SQLException("the source reports no binary log position; the copy needs log_bin=ON"));
                    gtids = BinlogPosition.gtidExecuted(lock, Flavour.MYSQL);
                } finally {
                    st.execute("UNLOCK TABLES");
                }
            }
            LOG.debug("MySQL snapshot at {} gtids '{}' over {} connections", at, gtids, parallel);
            return new CopySnapshot(List.copyOf(opened), at, gtids);
        } catch (SQLException | RuntimeException e) {
            opened.forEach(CopySnapshot::quietlyClose);
            throw e;
        }
    }

    // A connection of its own, not the shared pool's: it stays in one long transaction, and the
    // text protocol hands every value over as the server's bytes.
    private static Connection snapshotConnection(DataSource source) throws SQLException {
        Connection c = source.getConnection();
        try (Statement st = c.createStatement()) {
            // TIMESTAMP values as UTC, as the applier writes them.
            st.execute("SET SESSION time_zone = '+00:00'");
            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        } catch (SQLException e) {
            quietlyClose(c);
            throw e;
        }
        return c;
    }

    private static void begin(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
        }
    }

    /** Returns the connections in the snapshot, each for one thread. */
    List<Connection> connections() {
        return connections;
    }

    /** Returns the binlog file and offset the snapshot stands at. */
    BinlogPosition.FileOffset position() {
        return position;
    }

    /** Returns the GTID position of the snapshot (MySQL's executed set, MariaDB's binlog GTID position), possibly empty. */
    String gtids() {
        return gtids;
    }

    private static void quietlyClose(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // closing anyway
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    /** Ends the snapshot transactions and closes the connections. Idempotent. */
    @Override
    public void close() {
        connections.forEach(CopySnapshot::quietlyClose);
    }
}
