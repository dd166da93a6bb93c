package io.cutover.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The {@value #NAME} table on a stream's target: one row per (stream, target table) a bulk copy
 * writes to, recorded before its first row reaches that table, saying whether the table was empty
 * then. A dialect reads it back to undo a copy cut short. Kept until the copy returns or its
 * leftovers are discarded. Stateless apart from the table; thread-safe.
 */
final class CopyLedger {

    /** The table's name on every target. */
    static final String NAME = "cutover_copy_ledger";

    private final DataSource target;
    private final String stream;

    CopyLedger(DataSource target, String stream) {
        this.target = target;
        this.stream = stream;
    }

    /** Records a table unless it is recorded already: the first record stands. */
    void record(String table, boolean wasEmpty) throws SQLException {
        try (Connection c = open()) {
            if (recorded(c).containsKey(table)) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + NAME + " (stream, target_table, was_empty)"
                    + " VALUES (?, ?, ?)")) {
                ps.setString(1, stream);
                ps.setString(2, table);
                ps.setBoolean(3, wasEmpty);
                ps.executeUpdate();
            } catch (SQLException e) {
                // Another copying thread recorded the same table in between: the first record stands.
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23") || !recorded(c).containsKey(table)) {
                    throw e;
                }
            }
        }
    }

    /** The stream's tables, each with whether it was empty. */
    Map<String, Boolean> recorded() throws SQLException {
        try (Connection c = open()) {
            return recorded(c);
        }
    }

    /** Forgets the stream's tables. */
    void forget() throws SQLException {
        try (Connection c = open()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + NAME + " WHERE stream = ?")) {
                ps.setString(1, stream);
                ps.executeUpdate();
            }
        }
    }

    private Map<String, Boolean> recorded(Connection c) throws SQLException {
        Map<String, Boolean> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT target_table, was_empty FROM " + NAME + " WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        return out;
    }

    // A connection in auto-commit mode (a failed insert must not spoil what follows) with the table in place.
    private Connection open() throws SQLException {
        Connection c = target.getConnection();
        try {
            c.setAutoCommit(true);
            create(c);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + NAME + " (stream VARCHAR(190) NOT NULL, target_table VARCHAR(190) NOT NULL,"
                    + " was_empty BOOLEAN NOT NULL, PRIMARY KEY (stream, target_table))");
        }
    }
}
