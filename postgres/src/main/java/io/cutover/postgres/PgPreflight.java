package io.cutover.postgres;

import io.cutover.PreflightException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, without changing anything, that one side can serve as a stream's source or target:
 * reachable, logical decoding on, privileges, every table present with a primary key, slots and
 * walsenders free, our slot not in use elsewhere. Collects every problem, each with its fix, and
 * throws them together. Stateless.
 */
final class PgPreflight {

    private PgPreflight() {
    }

    /**
     * Checks a source: capture must be possible there.
     *
     * @param ownStreamRunning whether this link's stream is streaming (its slot is then active by right)
     * @throws PreflightException listing the problems
     */
    static void source(PgEndpoint source, PgNames names, List<String> tables, boolean ownStreamRunning) {
        List<String> problems = new ArrayList<>();
        try (Connection c = source.connect()) {
            capture(c, source, names, problems, ownStreamRunning);
            tables(c, source, names.schema(), tables, problems, false);
        } catch (SQLException e) {
            problems.add(source.describeFailure(e));
        }
        throwIf(problems);
    }

    /**
     * Checks a target: reachable, writable, tables present with primary keys and writable, and (for
     * the reverse direction) capture possible.
     *
     * @throws PreflightException listing the problems
     */
    static void target(PgEndpoint target, PgNames reverseNames, List<String> tables) {
        List<String> problems = new ArrayList<>();
        try (Connection c = target.connect()) {
            if (bool(c, "SELECT pg_is_in_recovery()")) {
                problems.add(target + " is a standby (in recovery); the target must be a writable primary");
            } else if ("on".equals(text(c, "SHOW default_transaction_read_only"))) {
                problems.add(target + " has default_transaction_read_only=on; set it off for the database or role");
            }
            tables(c, target, reverseNames.schema(), tables, problems, true);
            capture(c, target, reverseNames, problems, false);
        } catch (SQLException e) {
            problems.add(target.describeFailure(e));
        }
        throwIf(problems);
    }

    private static void capture(Connection c, PgEndpoint ep, PgNames names, List<String> problems, boolean ownStreamRunning)
            throws SQLException {
        String wal = text(c, "SHOW wal_level");
        if (!"logical".equals(wal)) {
            problems.add(ep + " has wal_level=" + wal + "; logical decoding needs wal_level=logical"
                    + " (ALTER SYSTEM SET wal_level = logical, then restart)");
        }
        String user = text(c, "SELECT current_user");
        if (!bool(c, "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
            problems.add(ep + ": role '" + user + "' lacks the REPLICATION attribute; ALTER ROLE \"" + user + "\" REPLICATION");
        }
        if (!bool(c, "SELECT has_database_privilege(current_database(), 'CREATE')")) {
            problems.add(ep + ": role '" + user + "' cannot create publications in database " + ep.database
                    + "; GRANT CREATE ON DATABASE \"" + ep.database + "\" TO \"" + user + "\"");
        }
        boolean ours = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, names.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    ours = true;
                    if (rs.getBoolean(1) && !ownStreamRunning) {
                        problems.add(ep + ": replication slot " + names.slot() + " is already active (pid " + rs.getInt(2)
                                + "); another process is streaming from it. Stop it, or give this cutover another name");
                    }
                }
            }
        }
        int slots = integer(c, "SELECT count(*) FROM pg_replication_slots");
        int maxSlots = integer(c, "SELECT setting::int FROM pg_settings WHERE name = 'max_replication_slots'");
        if (!ours && slots >= maxSlots) {
            problems.add(ep + ": all " + maxSlots + " replication slots are in use; raise max_replication_slots (then restart)"
                    + " or drop unused slots (SELECT pg_drop_replication_slot(name))");
        }
        int senders = integer(c, "SELECT count(*) FROM pg_stat_replication");
        int maxSenders = integer(c, "SELECT setting::int FROM pg_settings WHERE name = 'max_wal_senders'");
        if (senders >= maxSenders && !ownStreamRunning) {
            problems.add(ep + ": no free WAL sender (" + senders + " in use, max_wal_senders=" + maxSenders
                    + "); raise max_wal_senders (then restart)");
        }
    }

    private static void tables(Connection c, PgEndpoint ep, String schema, List<String> tables, List<String> problems,
            boolean write) throws SQLException {
        for (String t : tables) {
            String qualified = schema + "." + t;
            Integer oid = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::oid")) {
                ps.setString(1, schema + "." + PgDialect.quote(t));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        oid = rs.getInt(1);
                    }
                }
            }
            if (oid == null) {
                problems.add(ep + ": table " + qualified + " does not exist; create it there with the same primary key");
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_index WHERE indrelid = ? AND indisprimary")) {
                ps.setInt(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        problems.add(ep + ": table " + qualified + " has no primary key; add one (Cutover applies changes by primary key)");
                    }
                }
            }
            String privilege = write ? "SELECT,INSERT,UPDATE,DELETE" : "SELECT";
            try (PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?::oid, ?)")) {
                ps.setInt(1, oid);
                ps.setString(2, privilege);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        problems.add(ep + ": role '" + ep.user + "' lacks " + privilege + " on " + qualified
                                + "; GRANT " + privilege + " ON " + qualified + " TO \"" + ep.user + "\"");
                    }
                }
            }
        }
    }

    private static void throwIf(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean bool(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static int integer(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
