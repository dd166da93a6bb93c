package io.cutover.mysql;

import io.cutover.Position;
import io.cutover.spi.CaptureDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * What the capture host needs from the MySQL family: connector settings from
 * {@link CaptureProperties}, the upsert/delete SQL of {@link MySqlSql}, value binding for
 * Connector/J, and positions as binlog file:offset and GTID set.
 *
 * <p>Binding: a TIMESTAMP value arrives as an {@link OffsetDateTime} and is written as UTC local
 * time into a session whose {@code time_zone} is {@code +00:00}; BIT(n) arrives as Debezium's
 * little-endian bytes and is written as a number; TIME as text with microseconds. Immutable;
 * thread-safe.
 */
final class MySqlDialect implements CaptureDialect {
    /** The session time zone TIMESTAMP values are written in; Debezium hands them over in UTC. */
    static final String APPLY_TIME_ZONE = "+00:00";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private final String targetDatabase;

    /**
     * Creates the dialect.
     *
     * @param targetDatabase the schema rows are written into
     */
    MySqlDialect(String targetDatabase) {
        this.targetDatabase = Objects.requireNonNull(targetDatabase, "targetDatabase");
    }

    /**
     * Returns the connector settings of one start, from what {@link MySqlSession} found before
     * it; reads nothing itself.
     *
     * @param start what the start found
     * @return the settings, a new map
     */
    Map<String, String> connectorProperties(MySqlStart start) {
        Properties p = CaptureProperties.of(start.flavour(), start.capture(), start.streamName(), start.serverId(),
                start.captured(), start.stateDir(), start.snapshotMode(), start.snapshotLocking());
        Map<String, String> out = new HashMap<>();
        p.forEach((k, v) -> out.put(k.toString(), v.toString()));
        return out;
    }

    @Override
    public String upsertSql(String table, List<String> columns, List<String> keyColumns) {
        return MySqlSql.upsert(targetDatabase, table, columns, keyColumns);
    }

    @Override
    public String deleteSql(String table, List<String> keyColumns) {
        return MySqlSql.delete(targetDatabase, table, keyColumns);
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object value, String columnType) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
            return;
        }
        String type = columnType == null ? "" : columnType.toUpperCase(Locale.ROOT);
        Object v = value;
        if (v instanceof OffsetDateTime odt) {
            v = odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } else if (v instanceof LocalTime t) {
            v = TIME.format(t);
        } else if (v instanceof byte[] bytes && type.startsWith("BIT")) {
            v = littleEndian(bytes);
        }
        statement.setObject(index, v);
    }

    @Override
    public void prepareApplierSession(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("SET time_zone = '" + APPLY_TIME_ZONE + "'");
        }
    }

    /**
     * {@code ENGINE=MEMORY} on MariaDB: a fence's commit then needs no InnoDB redo-log fsync
     * ({@code innodb_flush_log_at_trx_commit=1}) inside the application's write pause, only the
     * binlog write that capture reads. Rows are still logged in row format, in binlog order after
     * every transaction committed before them. A restart empties the table (MariaDB 11 then logs
     * {@code TRUNCATE TABLE}, which capture passes over), which costs nothing: the fence id
     * comes from the stream, the row is rewritten whole on the next fence, and a fence row is never
     * applied to the target (only its id, stored with the offset in the batch's transaction). A
     * table created earlier with another engine is left as it is. MySQL keeps its default engine:
     * Group Replication refuses writes to tables that are not InnoDB; so does a Galera node
     * ({@code wsrep_on}), which would also not replicate a MEMORY row to the node capture reads
     * when that is another one.
     */
    @Override
    public String fenceTableOptions(Connection source) throws SQLException {
        if (Flavour.fromVersion(source.getMetaData().getDatabaseProductVersion()) != Flavour.MARIADB) {
            return "";
        }
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SHOW VARIABLES LIKE 'wsrep_on'")) {
            return rs.next() && "ON".equalsIgnoreCase(rs.getString(2)) ? "" : " ENGINE=MEMORY";
        }
    }

    @Override
    public Position position(Map<String, ?> sourceOffset) {
        if (sourceOffset == null || sourceOffset.isEmpty()) {
            return Position.NONE;
        }
        Object file = sourceOffset.get("file");
        Object pos = sourceOffset.get("pos");
        Object gtids = sourceOffset.get("gtids");
        return new Position("binlog " + file + ":" + pos + (gtids == null ? "" : " gtid " + gtids));
    }

    private static long littleEndian(byte[] bytes) {
        long v = 0;
        for (int i = bytes.length - 1; i >= 0; i--) {
            v = (v << 8) | (bytes[i] & 0xFF);
        }
        return v;
    }

    @Override
    public String toString() {
        return "MySQL-family dialect writing to " + targetDatabase;
    }
}
