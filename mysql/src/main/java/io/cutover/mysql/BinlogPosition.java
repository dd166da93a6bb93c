package io.cutover.mysql;

import io.cutover.Position;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads binlog positions: file and offset plus the executed GTID set, in the text form
 * {@link Position} carries ({@code "binlog.000003:1234 gtid 0-1-57"} on MariaDB,
 * {@code "binlog.000003:1234 gtid 3E11FA47-…:1-57"} on MySQL).
 */
final class BinlogPosition {
    private BinlogPosition() {
    }

    /**
     * Returns the server's current binlog file, offset and executed GTID set.
     *
     * @param c an open connection as a user with the flavour's binlog monitor privilege
     * @param flavour the server's flavour
     * @return the position
     * @throws SQLException on a database error
     */
    static Position current(Connection c, Flavour flavour) throws SQLException {
        return new Position(fileAndOffset(c, flavour) + " gtid " + gtidExecuted(c, flavour));
    }

    /**
     * Returns the server's executed GTID set ({@code @@gtid_binlog_pos} on MariaDB,
     * {@code @@gtid_executed} on MySQL).
     *
     * @param c an open connection
     * @param flavour the server's flavour
     * @return the GTID set, possibly empty
     * @throws SQLException on a database error
     */
    static String gtidExecuted(Connection c, Flavour flavour) throws SQLException {
        String sql = flavour == Flavour.MARIADB ? "SELECT @@global.gtid_binlog_pos" : "SELECT @@global.gtid_executed";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            String v = rs.getString(1);
            return v == null ? "" : v.replace("\n", "");
        }
    }

    private static String fileAndOffset(Connection c, Flavour flavour) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(flavour.binlogStatusSql())) {
            if (!rs.next()) {
                return "no-binlog";
            }
            return rs.getString(1) + ":" + rs.getLong(2);
        }
    }
}
