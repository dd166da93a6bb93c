package io.cutover.postgres;

import io.cutover.Position;
import io.cutover.spi.CaptureDialect;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * PostgreSQL's half of the capture host: the pgoutput connector settings for one stream (handed
 * to the host by {@link PgSession}), and
 * {@code INSERT ... ON CONFLICT} / {@code DELETE} on the target. Immutable.
 */
final class PgDialect implements CaptureDialect {

    private final PgEndpoint source;
    private final PgNames names;
    private final List<String> tables;
    private final String applierToken;

    PgDialect(PgEndpoint source, PgNames names, List<String> tables, String applierToken) {
        this.source = source;
        this.names = names;
        this.tables = List.copyOf(tables);
        this.applierToken = applierToken;
    }

    /**
     * Returns the pgoutput connector settings of the stream; the same for every start.
     *
     * @return the settings, a new map
     */
    Map<String, String> connectorProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.put("database.hostname", source.host);
        p.put("database.port", Integer.toString(source.port));
        p.put("database.dbname", source.database);
        p.put("database.user", source.user);
        p.put("database.password", source.password());
        p.put("database.sslmode", PgEndpoint.sslMode(source.tls()));
        p.put("topic.prefix", names.topicPrefix());
        // pgoutput ships with every server; decoderbufs (the default) needs a plugin installed.
        p.put("plugin.name", "pgoutput");
        p.put("slot.name", names.slot());
        p.put("publication.name", names.publication());
        // We create the publication over exactly our tables (filtered), before the slot.
        p.put("publication.autocreate.mode", "disabled");
        p.put("slot.drop.on.stop", "false");
        // A restart right after stop() can find the old walsender still holding the slot for a few
        // ms; Debezium's default retry waits 10 s. Retry quickly, for as long in total (50 x 200 ms).
        p.put("slot.retry.delay.ms", "200");
        p.put("slot.max.retries", "50");
        String include = qualified().stream().map(t -> t.replace(".", "\\.")).collect(Collectors.joining(","));
        p.put("table.include.list", include);
        // The initial copy, if any, is ours (PgInitialLoad), from the slot's snapshot: stream from the slot.
        p.put("snapshot.mode", "no_data");
        p.put("interval.handling.mode", "string");
        p.put("hstore.handling.mode", "json");
        p.put("include.unknown.datatypes", "false");
        // An idle source still moves the slot forward: the heartbeat writes a row we capture.
        p.put("heartbeat.action.query", "INSERT INTO " + names.fenceTable()
                + " (stream, id, written_at) VALUES ('" + names.heartbeatKey() + "', 0, 0)"
                + " ON CONFLICT (stream) DO UPDATE SET written_at = (extract(epoch from clock_timestamp()) * 1000)::bigint");
        p.put("status.update.interval.ms", "1000");
        PgCapture.connectionTimeouts(p);
        return p;
    }

    List<String> qualified() {
        List<String> out = new java.util.ArrayList<>();
        for (String t : tables) {
            out.add(names.schema() + "." + t);
        }
        out.add(names.fenceTable());
        return out;
    }

    @Override
    public String upsertSql(String table, List<String> columns, List<String> keyColumns) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quoteTable(table)).append(" (");
        sql.append(columns.stream().map(PgDialect::quote).collect(Collectors.joining(", ")));
        // Identity columns GENERATED ALWAYS take the source's value too.
        sql.append(") OVERRIDING SYSTEM VALUE VALUES (").append(columns.stream().map(c -> "?").collect(Collectors.joining(", ")));
        sql.append(") ON CONFLICT (").append(keyColumns.stream().map(PgDialect::quote).collect(Collectors.joining(", ")));
        List<String> rest = columns.stream().filter(c -> !keyColumns.contains(c)).toList();
        if (rest.isEmpty()) {
            return sql.append(") DO NOTHING").toString();
        }
        sql.append(") DO UPDATE SET ");
        sql.append(rest.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", ")));
        return sql.toString();
    }

    @Override
    public String selectSql(String sourceTable, List<String> columns, List<String> keyColumns) {
        return "SELECT " + columns.stream().map(PgDialect::quote).collect(Collectors.joining(", "))
                + " FROM " + quote(names.schema()) + "." + quote(sourceTable) + " WHERE "
                + keyColumns.stream().map(c -> quote(c) + " = ?").collect(Collectors.joining(" AND "));
    }

    @Override
    public String deleteSql(String table, List<String> keyColumns) {
        return "DELETE FROM " + quoteTable(table) + " WHERE "
                + keyColumns.stream().map(c -> quote(c) + " = ?").collect(Collectors.joining(" AND "));
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object value, String columnType) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.OTHER);
        } else if (value instanceof List<?> list) {
            String element = columnType != null && columnType.startsWith("_") ? columnType.substring(1) : "text";
            Array array = statement.getConnection().createArrayOf(element, list.toArray());
            statement.setArray(index, array);
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else if (value instanceof String s) {
            statement.setString(index, s);
        } else {
            statement.setObject(index, value);
        }
    }

    @Override
    public void prepareApplierSession(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            // Lets the applier through a PgGuard on this database (see PgGuard).
            st.execute("SET " + PgGuard.BYPASS_SETTING + " = '" + applierToken + "'");
        }
    }

    @Override
    public void prepareFenceSession(Connection source) throws SQLException {
        try (Statement st = source.createStatement()) {
            // Logical decoding only sees flushed WAL: with synchronous_commit=off the fence (and the
            // writes before it) would wait up to 3 x wal_writer_delay for the background flush.
            st.execute("SET synchronous_commit = on");
        }
    }

    @Override
    public Position position(Map<String, ?> sourceOffset) {
        Object lsn = sourceOffset.get("lsn");
        if (!(lsn instanceof Number n)) {
            return Position.NONE;
        }
        long v = n.longValue();
        return new Position("lsn " + Long.toHexString(v >>> 32).toUpperCase() + "/" + Long.toHexString(v & 0xFFFFFFFFL).toUpperCase());
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String quoteTable(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? quote(table) : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    @Override
    public String toString() {
        return "PostgreSQL dialect for " + source;
    }
}
