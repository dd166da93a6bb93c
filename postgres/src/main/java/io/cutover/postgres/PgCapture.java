package io.cutover.postgres;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.PreflightException;
import io.cutover.spi.CaptureHost;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up and tears down logical decoding for one stream on its source: the fence table, a
 * publication over exactly the replicated tables plus the fence table, and a pgoutput slot of
 * the stream's own. Setup is idempotent; teardown removes what setup created. Thread-safe.
 */
final class PgCapture {

    private static final Logger LOG = LoggerFactory.getLogger(PgCapture.class);

    private static final long SLOT_TIMEOUT_MILLIS = 10_000;

    /**
     * The bound of any one call this class makes on the source: a path that froze (sockets open,
     * no bytes) fails the call instead of holding a recovery or a close for good. Above the slot
     * creation's own statement timeout, so that one ends as the server's error.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    /** The bound of any one call of the teardown, which a link's close waits for. */
    static final Duration TEARDOWN_CALL_TIMEOUT = Duration.ofSeconds(5);

    /** Seconds to set up a TCP connection, and to log in, on Debezium's connections to the source. */
    static final int CONNECT_SECONDS = 10;

    /**
     * Seconds any one read may block on Debezium's connections to the source. The replication
     * stream reads without blocking (its heartbeats and status updates keep it busy), so this bounds
     * the calls that wait for an answer: the replication commands, catalogue reads, the heartbeat's
     * insert and the close's CopyDone, which on a frozen path would otherwise wait for good.
     */
    static final int SOCKET_SECONDS = 30;

    /**
     * Adds to Debezium's connector settings the timeouts of its connections to the source: the
     * PostgreSQL connector hands every {@code database.*} setting to pgjdbc, for its replication
     * connection and its general one alike. Without them, a connection opened through a frozen path
     * (the TCP handshake succeeds, the server's answer never comes) waits for good, and so does a
     * command on an open one.
     *
     * @param connector the settings to add to
     */
    static void connectionTimeouts(java.util.Map<String, String> connector) {
        connector.put("database.connectTimeout", Integer.toString(CONNECT_SECONDS));
        connector.put("database.loginTimeout", Integer.toString(CONNECT_SECONDS));
        connector.put("database.socketTimeout", Integer.toString(SOCKET_SECONDS));
        // A peer that vanished (a host down, a dropped NAT entry) is found by the kernel's probes.
        connector.put("database.tcpKeepAlive", "true");
    }

    private final PgEndpoint source;
    private final PgNames names;
    private final List<String> tables;

    PgCapture(PgEndpoint source, PgNames names, List<String> tables) {
        this.source = source;
        this.names = names;
        this.tables = List.copyOf(tables);
    }

    /**
     * Creates the fence table, the publication and (when asked) the slot if missing. From the
     * moment a slot exists every change committed on the source is retained for the stream.
     * Without a slot, the connector creates it on start and takes its initial copy from the
     * snapshot the slot exports, so that copy and stream meet exactly.
     *
     * @param phase the phase to report a failure in
     * @param createSlot whether to create the slot now
     */
    void setUp(Phase phase, boolean createSlot) {
        setUp(phase, createSlot, SLOT_TIMEOUT_MILLIS);
    }

    /**
     * As {@link #setUp(Phase, boolean)}, waiting at most {@code slotTimeoutMillis} for the
     * transactions open on the source before the slot can be created.
     *
     * @throws CutoverException whose cause has SQL state 57014 if that wait ran out (no slot is left)
     */
    void setUp(Phase phase, boolean createSlot, long slotTimeoutMillis) {
        try {
            source.control(c -> {
                int before = c.getNetworkTimeout();
                c.setNetworkTimeout(Runnable::run, (int) CALL_TIMEOUT.toMillis());
                try {
                    setUp(c, createSlot, slotTimeoutMillis);
                } finally {
                    if (!c.isClosed()) {
                        c.setNetworkTimeout(Runnable::run, before);
                    }
                }
                return null;
            });
            LOG.info("capture ready on {}: slot {}, publication {}", source, names.slot(), names.publication());
        } catch (SQLException e) {
            throw failure(phase, e, slotTimeoutMillis);
        }
    }

    private void setUp(Connection c, boolean createSlot, long slotTimeoutMillis) throws SQLException {
        CaptureHost.load().createFenceTable(c, names.fenceTable());
        if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", names.publication())) {
            StringBuilder sql = new StringBuilder("CREATE PUBLICATION ").append(names.publication()).append(" FOR TABLE ");
            for (String t : tables) {
                sql.append(names.schema()).append('.').append(PgDialect.quote(t)).append(", ");
            }
            sql.append(names.fenceTable());
            try (Statement st = c.createStatement()) {
                st.execute(sql.toString());
            }
        }
        if (createSlot && !exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", names.slot())) {
            // Creating a slot waits for every transaction open on the server; bound that wait.
            try (Statement st = c.createStatement()) {
                st.execute("SET statement_timeout = " + slotTimeoutMillis);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
                ps.setString(1, names.slot());
                ps.execute();
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("RESET statement_timeout");
                }
            }
        }
    }

    private CutoverException failure(Phase phase, SQLException e, long slotTimeoutMillis) {
        String msg = "could not set up capture on " + source + " (slot " + names.slot() + ", publication "
                + names.publication() + "): " + e.getMessage();
        if ("57014".equals(e.getSQLState())) {
            msg += "; creating the slot waited " + slotTimeoutMillis + " ms for transactions open on " + source.side
                    + " (see pg_stat_activity for long-running ones)";
        }
        if ("53400".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("replication slots are in use")) {
            msg += "; raise max_replication_slots on " + source.side + " (then restart) or drop unused slots";
        }
        return phase == Phase.PREFLIGHT ? new PreflightException(msg, e) : new CutoverException(phase, msg, e);
    }

    /**
     * Waits, up to a limit, for the slot to be released by a walsender that is still ending:
     * a stream stopped a moment ago leaves its walsender exiting for a few milliseconds.
     *
     * @param limit how long to wait
     * @param terminate whether to end a walsender still holding the slot after the limit (only
     *     right when this process held the slot last: it is then our own walsender, left over)
     * @throws CutoverException if the source cannot be reached (SQL state 08...), with that error as its cause
     */
    void awaitSlotReleased(Duration limit, boolean terminate) {
        long deadline = System.nanoTime() + limit.toNanos();
        try (Connection c = open();
                PreparedStatement ps = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            ps.setString(1, names.slot());
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
            if (terminate) {
                try (PreparedStatement kill = c.prepareStatement(
                        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
                    kill.setString(1, names.slot());
                    kill.execute();
                }
                LOG.warn("slot {} on {} was still held {} ms after this stream stopped; ended its walsender",
                        names.slot(), source, limit.toMillis());
                awaitSlotReleased(limit, false);
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("08")) {
                // The source cannot be reached: the start cannot succeed, and the check that follows would wait again.
                throw new CutoverException(Phase.CATCH_UP, "cannot reach " + source + " to check slot " + names.slot()
                        + ": " + e.getMessage(), e);
            }
            LOG.debug("could not check slot {} on {}: {}", names.slot(), source, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the walsender holding the slot, if any; the slot stays. */
    void endWalsender() {
        try (Connection c = open();
                PreparedStatement kill = c.prepareStatement(
                        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            kill.setString(1, names.slot());
            kill.execute();
        } catch (SQLException e) {
            LOG.warn("could not end the walsender of slot {} on {}: {}", names.slot(), source, e.getMessage());
        }
    }

    /** Drops the slot and the publication; waits for the slot to be released by its walsender. */
    void tearDown() {
        // Bounded: a close must not hold an application's shutdown while the source is down or frozen.
        try (Connection c = open(TEARDOWN_CALL_TIMEOUT)) {
            try {
                dropSlot(c);
                try (Statement st = c.createStatement()) {
                    st.execute("DROP PUBLICATION IF EXISTS " + names.publication());
                }
                LOG.info("capture removed on {}: slot {}, publication {}", source, names.slot(), names.publication());
            } catch (SQLException e) {
                LOG.warn("could not remove slot {} / publication {} on {} ({}); the slot retains WAL until dropped: {}",
                        names.slot(), names.publication(), source, e.getMessage(), removalSql());
            }
            try {
                CaptureHost.load().removeFenceRows(c, names.fenceTable(), List.of(names.stream(), names.heartbeatKey()));
            } catch (SQLException e) {
                LOG.warn("could not remove stream {}'s rows from {} on {}: {}", names.stream(), names.fenceTable(), source,
                        e.getMessage());
            }
        } catch (SQLException e) {
            LOG.warn("could not connect to {} to remove slot {} / publication {} ({}); the slot retains WAL until dropped: {}",
                    source, names.slot(), names.publication(), e.getMessage(), removalSql());
        }
    }

    /** What to run on the source to remove what this stream left there. */
    private String removalSql() {
        return "SELECT pg_drop_replication_slot('" + names.slot() + "') FROM pg_replication_slots WHERE slot_name = '"
                + names.slot() + "' AND NOT active; DROP PUBLICATION IF EXISTS " + names.publication() + ";";
    }

    /**
     * Drops the slot if it exists, ending a walsender still holding it.
     *
     * @throws SQLException if the slot stays held or the source refuses
     */
    void dropSlot() throws SQLException {
        try (Connection c = open()) {
            dropSlot(c);
        }
    }

    private void dropSlot(Connection c) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, names.slot());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    if (rs.getBoolean(1)) {
                        // The engine has stopped; a walsender still holding our slot is ours to end.
                        if (System.nanoTime() > deadline) {
                            throw new SQLException("slot " + names.slot() + " still active (pid " + rs.getInt(2) + ")");
                        }
                        try (PreparedStatement kill = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                            kill.setInt(1, rs.getInt(2));
                            kill.execute();
                        }
                        continue;
                    }
                }
            }
            try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                drop.setString(1, names.slot());
                drop.execute();
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** Opens a connection to the source whose every call is bounded by {@link #CALL_TIMEOUT}. */
    private Connection open() throws SQLException {
        return open(CALL_TIMEOUT);
    }

    /** Opens a connection to the source whose every call is bounded by {@code timeout}. */
    private Connection open(Duration timeout) throws SQLException {
        Connection c = source.dataSource().getConnection();
        try {
            c.setNetworkTimeout(Runnable::run, (int) timeout.toMillis());
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
