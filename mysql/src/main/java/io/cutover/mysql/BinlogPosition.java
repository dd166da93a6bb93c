package io.cutover.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads where a server's binlog stands now: file and offset, and the executed GTID set
 * ({@code 0-1-57} on MariaDB, {@code 3E11FA47-…:1-57} on MySQL).
 */
final class BinlogPosition {
    private BinlogPosition() {
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

    /**
     * A binlog file and the offset in it.
     *
     * @param file the file name
     * @param offset the byte offset
     */
    record FileOffset(String file, long offset) {
        @Override
        public String toString() {
            return file + ":" + offset;
        }
    }

    /**
     * Returns the server's current binlog file and offset, trying the flavour's statements newest
     * syntax first.
     *
     * @param c an open connection as a user with the flavour's binlog monitor privilege
     * @param flavour the server's flavour
     * @return the file and offset, or empty when the binary log is off
     * @throws SQLException if no statement worked
     */
    static java.util.Optional<FileOffset> fileAndOffset(Connection c, Flavour flavour) throws SQLException {
        SQLException first = null;
        for (String sql : flavour.binlogStatusSql()) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? java.util.Optional.of(new FileOffset(rs.getString(1), rs.getLong(2)))
                        : java.util.Optional.empty();
            } catch (SQLException e) {
                // Syntax unknown to this server version: try the older one.
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }
}
