package io.cutover.mysql;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The Debezium connector settings for capturing one stream's tables from one MySQL-family
 * server.
 *
 * <p>Choices made here, and why:
 * <ul>
 *   <li>{@code database.server.id}: each stream gets its own (a binlog client is a replica to
 *       the server, and two replicas with one id kick each other off).</li>
 *   <li>Schema history in a file per stream ({@code FileSchemaHistory}): the in-memory one is
 *       empty after a restart and the connector then refuses to resume ("db history topic is
 *       missing").</li>
 *   <li>{@code snapshot.locking.mode}: {@code minimal} where the connector would read the schema
 *       and binlog position itself (a global read lock for that moment), {@code none} when it
 *       rebuilds its schema history at a stored position. The rows of the initial copy are never
 *       the connector's: {@link BulkCopy} copies them.</li>
 *   <li>{@code poll.interval.ms=1}: the default 500 ms would put half a second on every
 *       catch-up inside the write pause.</li>
 *   <li>TIME as text through {@link TimeAsText}: it is a duration (±838 h), not a time of day.</li>
 *   <li>Decimals as {@code precise} BigDecimal, times as {@code adaptive_time_microseconds}
 *       and {@code bigint.unsigned.handling.mode=precise}, so that no value is rounded.</li>
 * </ul>
 */
final class CaptureProperties {
    /** Default snapshot locking mode, see the class comment. */
    static final String DEFAULT_SNAPSHOT_LOCKING = "minimal";

    private CaptureProperties() {
    }

    /**
     * Builds the settings.
     *
     * @param flavour the source's flavour
     * @param source where to capture from (user needs REPLICATION SLAVE, the flavour's binlog
     *     monitor privilege, SELECT on the tables, and RELOAD for minimal locking)
     * @param streamName the stream's name; it becomes the topic prefix and engine name
     * @param serverId this stream's replica id on the source
     * @param tables the tables to capture, unqualified, in {@code source.database()}
     * @param stateDir a directory owned by this stream, for its schema history file
     * @param snapshotMode {@code initial} to copy existing rows first, {@code no_data} to stream only
     * @param snapshotLocking {@code minimal}, {@code extended} or {@code none}
     * @return the settings; the caller adds offset storage
     */
    static Properties of(Flavour flavour, Endpoint source, String streamName, long serverId, List<String> tables,
            Path stateDir, String snapshotMode, String snapshotLocking) {
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(stateDir, "stateDir");
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("stream '" + streamName + "' has no tables");
        }
        Properties p = new Properties();
        p.setProperty("name", streamName);
        p.setProperty("connector.class", flavour.connectorClass());
        p.setProperty("topic.prefix", topicPrefix(streamName));
        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", Integer.toString(source.port()));
        p.setProperty("database.user", source.user());
        p.setProperty("database.password", source.password());
        p.setProperty("database.server.id", Long.toString(serverId));
        p.setProperty("database.include.list", source.database());
        p.setProperty("table.include.list", tables.stream()
                .map(t -> java.util.regex.Pattern.quote(source.database() + "." + t))
                .collect(Collectors.joining(",")));
        p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("schema.history.internal.file.filename",
                stateDir.resolve(topicPrefix(streamName) + "-schema-history.dat").toString());
        p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
        p.setProperty("schema.history.internal.store.only.captured.databases.ddl", "true");
        p.setProperty("include.schema.changes", "false");
        p.setProperty("snapshot.mode", snapshotMode);
        p.setProperty("snapshot.locking.mode", snapshotLocking);
        p.setProperty("poll.interval.ms", "1");
        p.setProperty("max.batch.size", "2048");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("bigint.unsigned.handling.mode", "precise");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("converters", "cutover_time");
        p.setProperty("cutover_time.type", TimeAsText.class.getName());
        p.setProperty("database.ssl.mode", flavour.debeziumSslMode(source.sslMode()));
        p.setProperty("connect.timeout.ms", "5000");
        // The binlog client checks its connection and reconnects every keep-alive interval, and asks the
        // server for a heartbeat at 0.8 of it: 60 s (the default) left a stream silent for a minute
        // or two after a server restart. 3 s finds a lost connection fast and keeps an idle stream heard.
        p.setProperty("connect.keep.alive.interval.ms", "3000");
        // Debezium's JDBC connections (schema, binlog position) take driver.* settings: the kernel's
        // probes find a peer that vanished. No socket timeout: the global read lock of a minimal
        // snapshot may rightly wait behind long queries.
        p.setProperty("driver.tcpKeepAlive", "true");
        p.setProperty("errors.max.retries", "0");
        return p;
    }

    /** Returns a topic prefix from a stream name: letters, digits and underscores only. */
    static String topicPrefix(String streamName) {
        return "cutover_" + streamName.replaceAll("[^A-Za-z0-9_]", "_");
    }
}
