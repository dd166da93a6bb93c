package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * The fence as the MySQL family writes it: one row per stream in a small control table in the
 * replicated schema, its {@code id} bumped in a transaction of its own. The row travels through
 * the binlog like any change, so once the target has committed a fence row with an id, it has
 * every change the source committed before it.
 *
 * <p>The fence is written while the guard holds the source read-only, so the writing user needs
 * {@code READ_ONLY ADMIN} (MariaDB) or {@code CONNECTION_ADMIN} / {@code SUPER} (MySQL) — the same
 * user as the applier. Thread-safe (each call uses its own connection).
 */
final class FenceTable {
    /** The control table's name. */
    static final String TABLE = "cutover_fence";

    private final Endpoint source;
    private final Flavour flavour;

    /**
     * Creates the writer.
     *
     * @param source where to write, as a user allowed to write while read_only is on
     * @param flavour the source's flavour
     */
    FenceTable(Endpoint source, Flavour flavour) {
        this.source = Objects.requireNonNull(source, "source");
        this.flavour = Objects.requireNonNull(flavour, "flavour");
    }

    /**
     * Returns the DDL of the control table in a schema.
     *
     * @param database the schema
     * @return the statement
     */
    static String ddl(String database) {
        return "CREATE TABLE IF NOT EXISTS " + MySqlSql.qualified(database, TABLE) + " ("
                + "stream VARCHAR(190) NOT NULL PRIMARY KEY, "
                + "id BIGINT NOT NULL, "
                + "written_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                + ") ENGINE=InnoDB";
    }

    /**
     * Creates the control table on the source if missing (DDL, so outside any pause).
     *
     * @throws CutoverException (phase PREFLIGHT) if it cannot be created
     */
    void create() {
        try (Connection c = source.connect(); Statement st = c.createStatement()) {
            st.execute(ddl(source.database()));
        } catch (SQLException e) {
            throw new CutoverException(Phase.PREFLIGHT, "cannot create " + source.database() + "." + TABLE + " as "
                    + source.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the next fence for a stream.
     *
     * @param stream the stream's name
     * @return the fence's id and where it stands in the source's binlog
     * @throws CutoverException (phase CATCH_UP) if the write fails
     */
    Written write(String stream) {
        String sql = "INSERT INTO " + MySqlSql.qualified(source.database(), TABLE)
                + " (stream, id, written_at) VALUES (?, 1, CURRENT_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id + 1), written_at = CURRENT_TIMESTAMP(6)";
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, stream);
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                rs.next();
                // LAST_INSERT_ID() stays 0 when the row was inserted (id 1) rather than bumped.
                id = Math.max(1, rs.getLong(1));
            }
            c.commit();
            return new Written(id, BinlogPosition.afterOwnCommit(c, flavour));
        } catch (SQLException e) {
            throw new CutoverException(Phase.CATCH_UP, "cannot write fence for stream '" + stream + "' on "
                    + source.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A fence written on the source.
     *
     * @param id its number, increasing per stream
     * @param position where it stands in the binlog
     */
    record Written(long id, Position position) {
    }
}
