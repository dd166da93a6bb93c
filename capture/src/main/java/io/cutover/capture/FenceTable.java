package io.cutover.capture;

import io.cutover.spi.CaptureSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fence control table on a stream's source, {@code cutover_fence(stream, id, written_at)}:
 * one row per stream, captured with the user's tables. Writing a new id and seeing it arrive on
 * the target proves that everything the source committed before it has been applied.
 *
 * <p>Public so dialect modules can create it before they set up capture (a PostgreSQL
 * publication must list it); not part of the API. Stateless.
 */
final class FenceTable {

    /** The default table name. */
    public static final String DEFAULT_NAME = CaptureSpec.DEFAULT_FENCE_TABLE;

    private static final Logger LOG = LoggerFactory.getLogger(FenceTable.class);

    private FenceTable() {
    }

    /**
     * Creates the table if it does not exist.
     *
     * @param source a source connection in auto-commit mode
     * @param name the table name
     * @throws SQLException if the source refuses
     */
    public static void create(Connection source, String name) throws SQLException {
        createWith(source, name, "");
    }

    /**
     * Creates the table if it does not exist, with table options after its column list; a source
     * that refuses the options (an engine disabled there) gets the table without them. An
     * existing table is left as it is, whatever its options.
     *
     * @param source a source connection in auto-commit mode
     * @param name the table name
     * @param options the dialect's {@link io.cutover.spi.CaptureDialect#fenceTableOptions}
     * @throws SQLException if the source refuses the table
     */
    static void create(Connection source, String name, String options) throws SQLException {
        if (options.isEmpty()) {
            createWith(source, name, "");
            return;
        }
        try {
            createWith(source, name, options);
        } catch (SQLException e) {
            LOG.warn("fence table {}: the source refused '{}' ({}); creating it with the server's default options,"
                    + " so each fence's commit costs what an ordinary write's does", name, options.strip(), e.getMessage());
            createWith(source, name, "");
        }
    }

    private static void createWith(Connection source, String name, String options) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + name
                    + " (stream VARCHAR(190) NOT NULL PRIMARY KEY, id BIGINT NOT NULL, written_at BIGINT NOT NULL)" + options);
        }
    }

    /**
     * Rewrites a stream's fence row without changing its id, so that the row, with the latest id,
     * travels through the change stream again. The change to {@code written_at} makes the update
     * a real one: MySQL logs no row event for an update that changes nothing.
     *
     * @param source a source connection in auto-commit mode
     * @param name the table name
     * @param stream the stream
     * @return whether the stream had a fence row
     * @throws SQLException if the source refuses
     */
    static boolean touch(Connection source, String name, String stream) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("UPDATE " + name + " SET written_at = written_at + 1 WHERE stream = ?")) {
            ps.setString(1, stream);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Deletes rows by key.
     *
     * @param source a source connection in auto-commit mode
     * @param name the table name
     * @param keys the rows' {@code stream} values
     * @throws SQLException if the source refuses
     */
    static void delete(Connection source, String name, List<String> keys) throws SQLException {
        if (!ControlTableLookup.exists(source, name)) {
            return; // never created (no stream of this source started): no row to remove
        }
        try (PreparedStatement ps = source.prepareStatement("DELETE FROM " + name + " WHERE stream = ?")) {
            for (String key : keys) {
                ps.setString(1, key);
                ps.executeUpdate();
            }
        }
    }

    /**
     * Writes a stream's fence id, replacing the previous one.
     *
     * @param source a source connection in auto-commit mode
     * @param name the table name
     * @param stream the stream
     * @param id the new fence id
     * @param writtenAt epoch millis, for people reading the table
     * @throws SQLException if the source refuses
     */
    static void write(Connection source, String name, String stream, long id, long writtenAt) throws SQLException {
        try (PreparedStatement up = source.prepareStatement("UPDATE " + name + " SET id = ?, written_at = ? WHERE stream = ?")) {
            up.setLong(1, id);
            up.setLong(2, writtenAt);
            up.setString(3, stream);
            if (up.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement in = source.prepareStatement("INSERT INTO " + name + " (stream, id, written_at) VALUES (?, ?, ?)")) {
            in.setString(1, stream);
            in.setLong(2, id);
            in.setLong(3, writtenAt);
            in.executeUpdate();
        }
    }
}
