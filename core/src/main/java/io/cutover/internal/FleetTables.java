package io.cutover.internal;

import io.cutover.LiveSide;
import io.cutover.Side;
import io.cutover.spi.FleetAck;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetHeartbeat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet's control tables, in one place and in SQL every supported database takes (no upsert
 * syntax: update, then insert when nothing was updated). Rows are keyed by fleet, so many fleets
 * share the tables.
 * <ul>
 *   <li>{@value #LIVE}: the live side and its generation, on both databases;</li>
 *   <li>{@value #MEMBERS}: one row per member with its heartbeat;</li>
 *   <li>{@value #COMMANDS}: PAUSE / FLIP / RESUME in sequence;</li>
 *   <li>{@value #ACKS}: the members' answers.</li>
 * </ul>
 * Stateless.
 */
public final class FleetTables {

    /** The live side, on both databases. */
    public static final String LIVE = "cutover_fleet_live";
    /** Members and their heartbeats. */
    public static final String MEMBERS = "cutover_fleet_members";
    /** Commands. */
    public static final String COMMANDS = "cutover_fleet_commands";
    /** Acks. */
    public static final String ACKS = "cutover_fleet_acks";
    /** Every table, for clean-up. */
    public static final List<String> ALL = List.of(LIVE, MEMBERS, COMMANDS, ACKS);

    private FleetTables() {
    }

    /**
     * Creates the tables that do not exist. The instances of a service usually start together, and
     * the first ones create the tables at the same moment: PostgreSQL then refuses all but one
     * {@code CREATE TABLE IF NOT EXISTS} (a duplicate {@code pg_type} row, or a relation or type that
     * "already exists"),
     * MySQL may say the table exists. By then the other instance's table is there, so the statement
     * is tried again; each refusal means one more table made, so the attempts are bounded.
     */
    static void create(Connection c) throws SQLException {
        for (int attempt = 1;; attempt++) {
            try {
                createOnce(c);
                return;
            } catch (SQLException e) {
                if (attempt >= 4 * ALL.size() || !createdConcurrently(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean createdConcurrently(SQLException e) {
        String state = e.getSQLState();
        // PostgreSQL: a duplicate catalog row, "relation already exists", "type already exists"; MySQL: table exists.
        return "23505".equals(state) || "42P07".equals(state) || "42710".equals(state) || "42S01".equals(state)
                || e.getErrorCode() == 1050;
    }

    private static void createOnce(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + LIVE + " (fleet VARCHAR(60) NOT NULL PRIMARY KEY,"
                    + " side VARCHAR(5) NOT NULL, generation BIGINT NOT NULL, recorded_at BIGINT NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS " + MEMBERS + " (fleet VARCHAR(60) NOT NULL, member VARCHAR(120) NOT NULL,"
                    + " side VARCHAR(5) NOT NULL, generation BIGINT NOT NULL, paused SMALLINT NOT NULL,"
                    + " heartbeat_at BIGINT NOT NULL, PRIMARY KEY (fleet, member))");
            st.execute("CREATE TABLE IF NOT EXISTS " + COMMANDS + " (fleet VARCHAR(60) NOT NULL, seq BIGINT NOT NULL,"
                    + " kind VARCHAR(8) NOT NULL, cutover VARCHAR(120) NOT NULL, side VARCHAR(5), generation BIGINT NOT NULL,"
                    + " drain_ms BIGINT NOT NULL, hold_ms BIGINT NOT NULL, issuer VARCHAR(120) NOT NULL,"
                    + " issued_at BIGINT NOT NULL, PRIMARY KEY (fleet, seq))");
            st.execute("CREATE TABLE IF NOT EXISTS " + ACKS + " (fleet VARCHAR(60) NOT NULL, seq BIGINT NOT NULL,"
                    + " member VARCHAR(120) NOT NULL, ok SMALLINT NOT NULL, detail VARCHAR(500) NOT NULL,"
                    + " PRIMARY KEY (fleet, seq, member))");
        }
    }

    static Optional<LiveSide> readLive(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT side, generation FROM " + LIVE + " WHERE fleet = ?")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new LiveSide(Side.valueOf(rs.getString(1)), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    static void writeLive(Connection c, String fleet, LiveSide live, long at) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE " + LIVE + " SET side = ?, generation = ?, recorded_at = ? WHERE fleet = ?")) {
            up.setString(1, live.side().name());
            up.setLong(2, live.generation());
            up.setLong(3, at);
            up.setString(4, fleet);
            if (up.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement in = c.prepareStatement("INSERT INTO " + LIVE + " (fleet, side, generation, recorded_at) VALUES (?, ?, ?, ?)")) {
            in.setString(1, fleet);
            in.setString(2, live.side().name());
            in.setLong(3, live.generation());
            in.setLong(4, at);
            in.executeUpdate();
        }
    }

    /**
     * The database's time now in epoch milliseconds, as SQL: heartbeats are stamped and judged on
     * the database's clock, never on the members' (which may disagree).
     */
    static String nowMillis(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
        if (product.contains("mysql") || product.contains("mariadb")) {
            return "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";
        }
        return "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";
    }

    static void heartbeat(Connection c, String fleet, FleetHeartbeat b) throws SQLException {
        String now = nowMillis(c);
        try (PreparedStatement up = c.prepareStatement("UPDATE " + MEMBERS
                + " SET side = ?, generation = ?, paused = ?, heartbeat_at = " + now + " WHERE fleet = ? AND member = ?")) {
            up.setString(1, b.side().name());
            up.setLong(2, b.generation());
            up.setInt(3, b.paused() ? 1 : 0);
            up.setString(4, fleet);
            up.setString(5, b.member());
            if (up.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement in = c.prepareStatement("INSERT INTO " + MEMBERS
                + " (fleet, member, side, generation, paused, heartbeat_at) VALUES (?, ?, ?, ?, ?, " + now + ")")) {
            in.setString(1, fleet);
            in.setString(2, b.member());
            in.setString(3, b.side().name());
            in.setLong(4, b.generation());
            in.setInt(5, b.paused() ? 1 : 0);
            in.executeUpdate();
        }
    }

    /** Each member's heartbeat age, computed by the database against its own clock in the same query. */
    static Map<String, Duration> heartbeatAges(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT member, " + nowMillis(c) + " - heartbeat_at FROM " + MEMBERS
                + " WHERE fleet = ?")) {
            ps.setString(1, fleet);
            Map<String, Duration> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), Duration.ofMillis(Math.max(0, rs.getLong(2))));
                }
            }
            return out;
        }
    }

    static List<FleetHeartbeat> members(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT member, side, generation, paused, heartbeat_at FROM " + MEMBERS
                + " WHERE fleet = ?")) {
            ps.setString(1, fleet);
            List<FleetHeartbeat> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FleetHeartbeat(rs.getString(1), Side.valueOf(rs.getString(2)), rs.getLong(3), rs.getInt(4) != 0,
                            rs.getLong(5)));
                }
            }
            return out;
        }
    }

    static void leave(Connection c, String fleet, String member) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + MEMBERS + " WHERE fleet = ? AND member = ?")) {
            ps.setString(1, fleet);
            ps.setString(2, member);
            ps.executeUpdate();
        }
    }

    static long latestSeq(Connection c, String fleet) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM " + COMMANDS + " WHERE fleet = ?")) {
            ps.setString(1, fleet);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void insertCommand(Connection c, String fleet, FleetCommand k) throws SQLException {
        try (PreparedStatement in = c.prepareStatement("INSERT INTO " + COMMANDS + " (fleet, seq, kind, cutover, side, generation,"
                + " drain_ms, hold_ms, issuer, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            in.setString(1, fleet);
            in.setLong(2, k.seq());
            in.setString(3, k.kind().name());
            in.setString(4, k.cutover());
            in.setString(5, k.side() == null ? null : k.side().name());
            in.setLong(6, k.generation());
            in.setLong(7, k.drainMillis());
            in.setLong(8, k.holdMillis());
            in.setString(9, k.issuer());
            in.setLong(10, k.issuedAt());
            in.executeUpdate();
        }
    }

    static List<FleetCommand> commandsAfter(Connection c, String fleet, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, kind, cutover, side, generation, drain_ms, hold_ms, issuer,"
                + " issued_at FROM " + COMMANDS + " WHERE fleet = ? AND seq > ? ORDER BY seq")) {
            ps.setString(1, fleet);
            ps.setLong(2, seq);
            List<FleetCommand> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String side = rs.getString(4);
                    out.add(new FleetCommand(rs.getLong(1), FleetCommand.Kind.valueOf(rs.getString(2)), rs.getString(3),
                            side == null ? null : Side.valueOf(side), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                            rs.getString(8), rs.getLong(9)));
                }
            }
            return out;
        }
    }

    static void ack(Connection c, String fleet, FleetAck a) throws SQLException {
        String detail = a.detail().length() > 500 ? a.detail().substring(0, 500) : a.detail();
        // A member answers a command once, so the insert nearly always succeeds: one round trip on the pause's path.
        try (PreparedStatement in = c.prepareStatement("INSERT INTO " + ACKS + " (fleet, seq, member, ok, detail) VALUES (?, ?, ?, ?, ?)")) {
            in.setString(1, fleet);
            in.setLong(2, a.seq());
            in.setString(3, a.member());
            in.setInt(4, a.ok() ? 1 : 0);
            in.setString(5, detail);
            in.executeUpdate();
            return;
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
        }
        try (PreparedStatement up = c.prepareStatement("UPDATE " + ACKS + " SET ok = ?, detail = ? WHERE fleet = ? AND seq = ? AND member = ?")) {
            up.setInt(1, a.ok() ? 1 : 0);
            up.setString(2, detail);
            up.setString(3, fleet);
            up.setLong(4, a.seq());
            up.setString(5, a.member());
            up.executeUpdate();
        }
    }

    static List<FleetAck> acks(Connection c, String fleet, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT member, ok, detail FROM " + ACKS + " WHERE fleet = ? AND seq = ?")) {
            ps.setString(1, fleet);
            ps.setLong(2, seq);
            List<FleetAck> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FleetAck(seq, rs.getString(1), rs.getInt(2) != 0, rs.getString(3)));
                }
            }
            return out;
        }
    }

    /** Deletes the fleet's commands numbered below {@code seq} and their acks; returns the commands deleted. */
    static int prune(Connection c, String fleet, long seq) throws SQLException {
        try (PreparedStatement acks = c.prepareStatement("DELETE FROM " + ACKS + " WHERE fleet = ? AND seq < ?");
                PreparedStatement commands = c.prepareStatement("DELETE FROM " + COMMANDS + " WHERE fleet = ? AND seq < ?")) {
            acks.setString(1, fleet);
            acks.setLong(2, seq);
            acks.executeUpdate();
            commands.setString(1, fleet);
            commands.setLong(2, seq);
            return commands.executeUpdate();
        }
    }
}
