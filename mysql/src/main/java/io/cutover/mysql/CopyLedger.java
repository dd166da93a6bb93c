package io.cutover.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What a bulk copy wrote to, kept on the target in {@value #TABLE} so that a copy cut short can be
 * undone after a crash: one row per (stream, target table), written before the copy's first row
 * reaches that table, saying whether the table was empty then. A table that was empty is emptied
 * again by {@link BulkCopy#discardPartialCopy}; one that held rows is left to the next copy's
 * upserts. Stateless apart from the table; thread-safe.
 */
final class CopyLedger {
    /** The ledger table on the target. */
    static final String TABLE = "cutover_copy_tables";

    private final DataSource target;
    private final String stream;

    CopyLedger(DataSource target, String stream) {
        this.target = target;
        this.stream = stream;
    }

    /**
     * Records that the copy is about to write to a table, and whether it holds rows now.
     *
     * @param qualifiedTable the target table, quoted and qualified
     * @param table the table's name as recorded
     * @return true if the table is empty
     * @throws SQLException on a database error
     */
    boolean record(String qualifiedTable, String table) throws SQLException {
        try (Connection c = target.getConnection()) {
            create(c);
            boolean empty;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM " + qualifiedTable + " LIMIT 1")) {
                empty = !rs.next();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (stream, target_table, was_empty)"
                    + " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE was_empty = was_empty")) {
                ps.setString(1, stream);
                ps.setString(2, table);
                ps.setBoolean(3, empty);
                ps.executeUpdate();
            }
            return empty;
        }
    }

    /**
     * Returns the tables recorded for the stream, each with whether it was empty.
     *
     * @return target table to was-empty, in no particular order
     * @throws SQLException on a database error
     */
    Map<String, Boolean> recorded() throws SQLException {
        Map<String, Boolean> out = new LinkedHashMap<>();
        try (Connection c = target.getConnection()) {
            create(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT target_table, was_empty FROM " + TABLE + " WHERE stream = ?")) {
                ps.setString(1, stream);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getBoolean(2));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Forgets the stream's tables.
     *
     * @throws SQLException on a database error
     */
    void clear() throws SQLException {
        try (Connection c = target.getConnection()) {
            create(c);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE stream = ?")) {
                ps.setString(1, stream);
                ps.executeUpdate();
            }
        }
    }

    private static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (stream VARCHAR(190) NOT NULL, target_table VARCHAR(190) NOT NULL,"
                    + " was_empty BOOLEAN NOT NULL, PRIMARY KEY (stream, target_table))");
        }
    }
}
