package io.cutover.mysql;

import io.cutover.PreflightException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, without changing anything, that a MySQL-family server can serve as a stream's source
 * or target, and collects every problem with its fix. Never prints a password: messages name the
 * user, host and port only. Stateless apart from its inputs; thread-safe.
 */
final class MySqlPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlPreflight.class);

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /**
     * Runs the checks of a stream source → target and throws if any failed.
     *
     * @param sourceLabel "blue" or "green"
     * @param source the source, as the cutover user
     * @param targetLabel the other side
     * @param target the target, as the cutover user
     * @param tables the replicated tables
     * @param serverId the server id the stream's binlog client will use on the source
     * @param appUsers the application's own users, checked for privileges that pass the guard
     * @return warnings (nothing blocks, but a person should know)
     * @throws PreflightException listing every problem found
     */
    static List<String> check(String sourceLabel, Endpoint source, String targetLabel, Endpoint target,
            List<String> tables, long serverId, List<String> appUsers) {
        return check(sourceLabel, source, targetLabel, target, tables, tables, serverId, appUsers);
    }

    /**
     * Checks both ends of one stream whose tables are named differently on each side.
     *
     * @param sourceTables the replicated tables as the source names them
     * @param targetTables the same tables as the target names them
     * @return warnings (nothing blocks, but a person should know)
     * @throws PreflightException listing every problem found
     * @see #check(String, Endpoint, String, Endpoint, List, long, List)
     */
    static List<String> check(String sourceLabel, Endpoint source, String targetLabel, Endpoint target,
            List<String> sourceTables, List<String> targetTables, long serverId, List<String> appUsers) {
        MySqlPreflight p = new MySqlPreflight();
        p.run(sourceLabel, source, targetLabel, target, sourceTables, targetTables, serverId, appUsers);
        if (!p.problems.isEmpty()) {
            throw new PreflightException(p.problems);
        }
        p.warnings.forEach(w -> LOG.warn("preflight: {}", w));
        return List.copyOf(p.warnings);
    }

    private void run(String sourceLabel, Endpoint source, String targetLabel, Endpoint target, List<String> sourceTables,
            List<String> targetTables, long serverId, List<String> appUsers) {
        try (Connection src = open(sourceLabel, source); Connection dst = open(targetLabel, target)) {
            Server s = src == null ? null : server(sourceLabel, source, src, "change capture");
            Server t = dst == null ? null : server(targetLabel, target, dst, "the reverse stream's capture");
            if (s != null) {
                privileges(sourceLabel, source, src, s.flavour);
                if (serverId == s.serverId) {
                    problems.add("the stream from " + sourceLabel + " would connect with server id " + serverId
                            + ", which is " + sourceLabel + "'s own server_id; a replica with the server's own id is"
                            + " refused: choose another with MySqlCutover.Builder.serverIds(...)");
                }
                tablesOnSource(sourceLabel, source, src, sourceTables);
                appUsers(sourceLabel, src, s.flavour, appUsers);
            }
            if (t != null) {
                privileges(targetLabel, target, dst, t.flavour);
                tablesOnTarget(targetLabel, target, dst, targetTables);
                if (serverId == t.serverId) {
                    problems.add("server id " + serverId + " chosen for the stream equals " + targetLabel
                            + "'s server_id; choose another with MySqlCutover.Builder.serverIds(...)");
                }
            }
            if (s != null && t != null && s.serverId == t.serverId) {
                problems.add(sourceLabel + " and " + targetLabel + " have the same server_id (" + s.serverId
                        + "); binlog events would be mistaken for each other's: give each server its own server_id"
                        + " (SET GLOBAL server_id = … and in the server config)");
            }
        } catch (SQLException e) {
            problems.add("preflight could not finish: " + e.getMessage());
        }
    }

    private Connection open(String label, Endpoint endpoint) {
        try {
            return endpoint.connect();
        } catch (SQLException e) {
            problems.add(connectProblem(label, endpoint, e));
            return null;
        }
    }

    /**
     * Describes a failed login without the password.
     *
     * @param label the side
     * @param endpoint where
     * @param e the failure
     * @return the problem and its fix
     */
    static String connectProblem(String label, Endpoint endpoint, SQLException e) {
        String where = label + " at " + endpoint.host() + ":" + endpoint.port();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e.getErrorCode() == 1045) {
            return where + " refused user '" + endpoint.user() + "': access denied (wrong password, or the user"
                    + " does not exist for this client host); check the credentials given for " + label;
        }
        if (e.getErrorCode() == 1049) {
            return where + ": database '" + endpoint.database() + "' does not exist; create it or fix the name";
        }
        if (state.startsWith("08")) {
            return where + " is unreachable (" + firstLine(e) + "); check the host, the port, the firewall and that"
                    + " the server is running";
        }
        return where + ": cannot connect as '" + endpoint.user() + "': " + firstLine(e);
    }

    private static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private record Server(Flavour flavour, long serverId) {
    }

    private Server server(String label, Endpoint endpoint, Connection c, String purpose) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT VERSION(), @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id")) {
            rs.next();
            Flavour flavour = Flavour.fromVersion(rs.getString(1));
            String who = label + " " + flavour + " (" + endpoint.host() + ":" + endpoint.port() + ")";
            if (!rs.getBoolean(2)) {
                problems.add(who + " has the binary log off (log_bin=OFF); " + purpose + " reads it: start the server"
                        + " with --log-bin --binlog-format=ROW --binlog-row-image=FULL (needs a restart)");
            }
            String format = rs.getString(3);
            if (!"ROW".equalsIgnoreCase(format)) {
                problems.add(who + " has binlog_format=" + format + "; " + purpose + " needs ROW: SET GLOBAL"
                        + " binlog_format = 'ROW' and set binlog_format=ROW in the server config (open sessions keep"
                        + " the old format until they reconnect)");
            }
            String image = rs.getString(4);
            if (!"FULL".equalsIgnoreCase(image)) {
                problems.add(who + " has binlog_row_image=" + image + "; " + purpose + " needs FULL row images: SET"
                        + " GLOBAL binlog_row_image = 'FULL' and set it in the server config");
            }
            return new Server(flavour, rs.getLong(5));
        }
    }

    private void privileges(String label, Endpoint endpoint, Connection c, Flavour flavour) throws SQLException {
        String grants = grants(c, "SHOW GRANTS");
        List<String> missing = new ArrayList<>();
        for (String priv : required(flavour)) {
            if (!has(grants, priv)) {
                missing.add(priv);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(label + ": user '" + endpoint.user() + "' lacks " + String.join(", ", missing)
                    + "; grant them: GRANT " + String.join(", ", missing) + " ON *.* TO '" + endpoint.user() + "'@…");
        }
    }

    private static List<String> required(Flavour flavour) {
        return flavour == Flavour.MARIADB
                ? List.of("REPLICATION SLAVE", "BINLOG MONITOR", "RELOAD", "READ_ONLY ADMIN")
                : List.of("REPLICATION SLAVE", "REPLICATION CLIENT", "RELOAD", "CONNECTION_ADMIN",
                        "SYSTEM_VARIABLES_ADMIN");
    }

    private static boolean has(String grants, String privilege) {
        for (String line : grants.split("\n")) {
            if (!line.contains(" ON *.* ")) {
                continue;
            }
            if (line.contains("ALL PRIVILEGES") || line.contains(privilege)) {
                return true;
            }
            // MariaDB 10.5+ prints REPLICATION CLIENT as BINLOG MONITOR, MySQL may print SUPER for both.
            if ("REPLICATION CLIENT".equals(privilege) && line.contains("BINLOG MONITOR")) {
                return true;
            }
            if (("CONNECTION_ADMIN".equals(privilege) || "SYSTEM_VARIABLES_ADMIN".equals(privilege))
                    && line.contains("SUPER")) {
                return true;
            }
        }
        return false;
    }

    private static String grants(Connection c, String sql) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                sb.append(rs.getString(1).toUpperCase(Locale.ROOT).replace("`", "'")).append('\n');
            }
        }
        return sb.toString();
    }

    private void tablesOnSource(String label, Endpoint endpoint, Connection c, List<String> tables) throws SQLException {
        for (String table : tables) {
            if (!exists(c, endpoint.database(), table)) {
                problems.add(label + ": table " + endpoint.database() + "." + table + " does not exist; create it or"
                        + " remove it from MySqlCutover.Builder.tables(...)");
            } else if (!hasPrimaryKey(c, endpoint.database(), table)) {
                problems.add(label + ": table " + endpoint.database() + "." + table + " has no primary key; changes"
                        + " are applied by key, so add one (ALTER TABLE " + table + " ADD PRIMARY KEY (…))");
            }
        }
    }

    private void tablesOnTarget(String label, Endpoint endpoint, Connection c, List<String> tables) throws SQLException {
        for (String table : tables) {
            if (!exists(c, endpoint.database(), table)) {
                problems.add(label + ": table " + endpoint.database() + "." + table + " is missing; create it on "
                        + label + " with the same primary key before starting the stream");
            }
        }
    }

    private void appUsers(String label, Connection c, Flavour flavour, List<String> appUsers) {
        for (String user : appUsers) {
            List<String> hosts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT Host FROM mysql.user WHERE User = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hosts.add(rs.getString(1));
                    }
                }
                for (String host : hosts) {
                    String grants = grants(c, "SHOW GRANTS FOR '" + user.replace("'", "''") + "'@'"
                            + host.replace("'", "''") + "'");
                    List<String> bypass = flavour == Flavour.MARIADB
                            ? List.of("ALL PRIVILEGES", "READ_ONLY ADMIN", "SUPER")
                            : List.of("ALL PRIVILEGES", "SUPER", "CONNECTION_ADMIN");
                    for (String priv : bypass) {
                        if (onAll(grants, priv)) {
                            warnings.add(label + ": application user '" + user + "'@'" + host + "' has " + priv
                                    + " ON *.*, which lets it write through read_only, so the guard cannot stop it;"
                                    + " revoke it (REVOKE " + (priv.equals("ALL PRIVILEGES") ? "ALL PRIVILEGES" : priv)
                                    + " ON *.* FROM '" + user + "'@'" + host + "') and grant plain DML on the schema");
                            break;
                        }
                    }
                }
            } catch (SQLException e) {
                warnings.add(label + ": could not check application user '" + user + "' for privileges that pass"
                        + " read_only (" + e.getMessage() + "); grant the cutover user SELECT ON mysql.* or check by hand");
            }
        }
    }

    private static boolean onAll(String grants, String privilege) {
        for (String line : grants.split("\n")) {
            if (line.contains(" ON *.* ") && line.contains(privilege)) {
                return true;
            }
        }
        return false;
    }

    private static boolean exists(Connection c, String db, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    // STATISTICS, not TABLE_CONSTRAINTS: MariaDB hides constraints from a user with only SELECT.
    private static boolean hasPrimaryKey(Connection c, String db, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' LIMIT 1")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public String toString() {
        return "MySQL-family preflight (" + problems.size() + " problems, " + warnings.size() + " warnings)";
    }
}
