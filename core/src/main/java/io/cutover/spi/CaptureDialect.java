package io.cutover.spi;

import io.cutover.Position;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What a database dialect tells the generic change-capture host: how to write rows on the target
 * and how to read positions. The host (Debezium engine, batching, ordering, offsets, fence, lag)
 * is the same for every dialect; only the SQL text, value binding and positions differ. The
 * connector settings, which depend on each start, come from the stream's {@link CaptureSession}.
 *
 * <p>Values handed to {@link #bind} are plain Java values already converted from Kafka Connect
 * and Debezium logical types: {@code Boolean}, {@code Short}, {@code Integer}, {@code Long},
 * {@code Float}, {@code Double}, {@code BigDecimal}, {@code String} (also json, enums, intervals as
 * ISO 8601), {@code byte[]}, {@code java.util.UUID}, {@code LocalDate}, {@code LocalTime},
 * {@code LocalDateTime}, {@code OffsetDateTime}, {@code OffsetTime}, {@code List} (arrays), or
 * null.
 *
 * <p>Implementations are immutable and thread-safe; the host calls them from its apply thread.
 */
public interface CaptureDialect {

    /**
     * Returns the statement that inserts one row, or updates it when a row with the same key
     * exists: {@code INSERT ... ON CONFLICT (k) DO UPDATE ...} for PostgreSQL,
     * {@code INSERT ... ON DUPLICATE KEY UPDATE ...} for MySQL. The host binds the columns in the
     * order given. When every column is a key column the statement must do nothing on conflict.
     *
     * @param table the target table, as the {@link io.cutover.RowTransform} named it
     * @param columns the columns to write, keys included, in bind order
     * @param keyColumns the table's primary key columns
     * @return the SQL text with one {@code ?} per column
     */
    String upsertSql(String table, List<String> columns, List<String> keyColumns);

    /**
     * Returns the statement that deletes one row by primary key; deleting a missing row is not
     * an error. The host binds the key columns in the order given.
     *
     * @param table the target table
     * @param keyColumns the table's primary key columns
     * @return the SQL text with one {@code ?} per key column
     */
    String deleteSql(String table, List<String> keyColumns);

    /**
     * Returns the query that reads some columns of one row on the <em>source</em> by primary key.
     * The host uses it rarely: when a change makes a row new on the target but the source did not
     * send every value (PostgreSQL's unchanged TOASTed values in an UPDATE that changed the key).
     * The default quotes nothing and qualifies nothing.
     *
     * @param sourceTable the source table's unqualified name, as the change stream names it
     * @param columns the columns to read
     * @param keyColumns the primary key columns, bound in this order
     * @return the SQL text with one {@code ?} per key column
     */
    default String selectSql(String sourceTable, List<String> columns, List<String> keyColumns) {
        return "SELECT " + String.join(", ", columns) + " FROM " + sourceTable + " WHERE "
                + String.join(" = ? AND ", keyColumns) + " = ?";
    }

    /**
     * Binds one value to a statement parameter, converting it as the target column needs.
     *
     * @param statement the statement
     * @param index the 1-based parameter index
     * @param value the value, possibly null
     * @param columnType the target column's type name as JDBC metadata reports it
     *     ({@code "int4"}, {@code "_text"}, {@code "jsonb"}, {@code "VARCHAR"}), or null if unknown
     * @throws SQLException if the driver refuses the value
     */
    void bind(PreparedStatement statement, int index, Object value, String columnType)
            throws SQLException;

    /**
     * Prepares a freshly opened target connection before the host applies anything through it,
     * for example to mark the session as the replication applier so a write guard lets it
     * through. Called once per connection, before auto-commit is turned off.
     *
     * @param target the target connection
     * @throws SQLException if the session cannot be prepared
     */
    default void prepareApplierSession(Connection target) throws SQLException {
    }

    /**
     * Prepares a source connection the host writes a fence through, for example to make that one
     * commit durable at once so the change stream sees it without waiting for a background WAL
     * flush ({@code SET synchronous_commit = on} on PostgreSQL). Called once for each connection
     * the host opens to write fences (it keeps one open), in auto-commit mode.
     *
     * @param source the source connection
     * @throws SQLException if the session cannot be prepared
     */
    default void prepareFenceSession(Connection source) throws SQLException {
    }

    /**
     * Returns table options appended to the fence table's {@code CREATE TABLE} on a stream's
     * source, for example a storage engine whose commit needs no fsync ({@code ENGINE=MEMORY} on
     * MariaDB): the fence is written while the application's writes are paused, and fence rows
     * are only read from the change stream, never applied to the target, so the table needs no
     * durability of its own. A source that refuses the options gets the table without them.
     * Empty by default (the server's default table).
     *
     * @param source the source connection the table is created through, to look at the server
     * @return the options, with a leading space, or an empty string; never null
     * @throws SQLException if the source cannot be asked
     */
    default String fenceTableOptions(Connection source) throws SQLException {
        return "";
    }

    /**
     * Turns a Debezium source offset into the position shown in reports and logs.
     *
     * @param sourceOffset the connector's offset map for one record (LSN, binlog file/pos, GTID)
     * @return the position; never null
     */
    Position position(Map<String, ?> sourceOffset);
}
