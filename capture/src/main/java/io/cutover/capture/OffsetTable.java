package io.cutover.capture;

import io.cutover.spi.CaptureDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The {@code cutover_offsets} table on the target: per stream, the Debezium offset of the last
 * applied change and the last fence applied. Written in the same transaction as the rows it
 * covers, so the two cannot disagree after a crash.
 */
final class OffsetTable {

    /** The table's name on every target. */
    static final String NAME = "cutover_offsets";

    private static final List<String> COLUMNS = List.of("stream", "offset_key", "offset_value", "fence_id", "applied_at");

    /**
     * One stream's stored state.
     *
     * @param key the offset's key as the engine serialises it (JSON), or null
     * @param value the offset's value (JSON), or null
     * @param fenceId the last fence applied, 0 if none
     */
    record Stored(String key, String value, long fenceId) {
    }

    private final CaptureDialect dialect;
    private final String upsert;
    // The upsert prepared on the applier's connection, reused for every batch on that connection.
    private Connection preparedOn;
    private PreparedStatement prepared;

    OffsetTable(CaptureDialect dialect) {
        this.dialect = dialect;
        this.upsert = dialect.upsertSql(NAME, COLUMNS, List.of("stream"));
    }

    static void create(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + NAME + " (stream VARCHAR(190) NOT NULL PRIMARY KEY,"
                    + " offset_key TEXT, offset_value TEXT, fence_id BIGINT NOT NULL, applied_at BIGINT NOT NULL)");
        }
    }

    static Optional<Stored> read(Connection connection, String stream) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT offset_key, offset_value, fence_id FROM " + NAME + " WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
    }

    static void delete(Connection connection, String stream) throws SQLException {
        if (!ControlTableLookup.exists(connection, NAME)) {
            return; // never created (the stream never started on this target): no row to remove
        }
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + NAME + " WHERE stream = ?")) {
            ps.setString(1, stream);
            ps.executeUpdate();
        }
    }

    /**
     * Writes one stream's row. The statement is prepared once per connection and kept open, so
     * call it from one thread, and on a connection that is closed (not reused) after a failure.
     */
    void write(Connection connection, String stream, Stored stored, long appliedAt) throws SQLException {
        PreparedStatement ps = prepared;
        if (ps == null || preparedOn != connection || ps.isClosed()) {
            ps = connection.prepareStatement(upsert);
            prepared = ps;
            preparedOn = connection;
        }
        dialect.bind(ps, 1, stream, null);
        dialect.bind(ps, 2, stored.key(), null);
        dialect.bind(ps, 3, stored.value(), null);
        dialect.bind(ps, 4, stored.fenceId(), null);
        dialect.bind(ps, 5, appliedAt, null);
        ps.executeUpdate();
    }

    /** Forgets the statement prepared by {@link #write}; called when its connection is dropped. */
    void release() {
        prepared = null;
        preparedOn = null;
    }
}
