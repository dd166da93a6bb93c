package io.cutover.examples.bench;

import io.cutover.CutoverListener;
import io.cutover.Phase;
import io.cutover.ReplicationStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.sql.DataSource;

/**
 * Where the changes a write pause will wait for are at the moment the pause begins (taken when
 * PREFLIGHT ends, just before writes stop): by commit time (the stream's lag, Debezium's
 * milliseconds behind source) and by WAL position on the source — not yet sent by the walsender
 * ({@code pg_current_wal_lsn - sent_lsn}), sent and not yet decoded by Debezium's decoding thread
 * ({@code sent_lsn -} the position of the last event it saw), decoded and not yet committed on the
 * target (that position {@code -} the stream's applied position), with the records in Debezium's
 * queue and in the batch being applied. A bench aid, one per cutover; called on the cutover's thread.
 */
final class PauseProbe implements CutoverListener {

    /**
     * One snapshot.
     *
     * @param lagMs the stream's lag by time
     * @param batchEvents records received by the stream and not yet committed (the batch being applied)
     * @param queued records in Debezium's queue, or -1 if its metrics were not found
     * @param behindSourceMs Debezium's milliseconds behind source, or -1
     * @param unsentBytes WAL bytes the walsender had not sent yet, or -1
     * @param undecodedBytes WAL bytes sent and not yet decoded into events, or -1
     * @param unappliedBytes WAL bytes decoded and not yet committed on the target, or -1
     * @param tookMs how long the snapshot took
     */
    record Snapshot(long lagMs, long batchEvents, long queued, long behindSourceMs, long unsentBytes, long undecodedBytes,
            long unappliedBytes, double tookMs) {

        /** The WAL bytes between the source's current position and the applied one, or -1. */
        long totalBytes() {
            return unsentBytes < 0 || undecodedBytes < 0 || unappliedBytes < 0 ? -1 : unsentBytes + undecodedBytes + unappliedBytes;
        }
    }

    private static final String WALSENDER = "SELECT pg_current_wal_lsn()::text, r.sent_lsn::text"
            + " FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid"
            + " WHERE s.slot_type = 'logical' AND s.active LIMIT 1";

    private final ReplicationStream stream;
    private final DataSource source;
    private volatile Snapshot snapshot;

    PauseProbe(ReplicationStream stream, DataSource source) {
        this.stream = stream;
        this.source = source;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public void phaseFinished(String cutover, Phase phase, Duration took) {
        if (phase == Phase.PREFLIGHT) {
            snapshot = take();
        }
    }

    /** Takes a snapshot now. */
    Snapshot take() {
        long t0 = System.nanoTime();
        var lag = stream.lag();
        String applied = stream.appliedPosition().value().replace("lsn ", "");
        Map<String, Object> debezium = debeziumStreaming();
        String decoded = debezium.get("lsn") == null ? null : lsn(debezium.get("lsn"));
        long unsent = -1;
        long undecoded = -1;
        long unapplied = -1;
        try (Connection c = source.getConnection()) {
            String current = null;
            String sent = null;
            try (PreparedStatement ps = c.prepareStatement(WALSENDER); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    current = rs.getString(1);
                    sent = rs.getString(2);
                }
            }
            if (current != null) {
                unsent = diff(c, current, sent);
                if (decoded != null) {
                    undecoded = diff(c, sent, decoded);
                    unapplied = applied.contains("/") ? diff(c, decoded, applied) : -1;
                }
            }
        } catch (SQLException e) {
            // the snapshot goes without the source's side
        }
        return new Snapshot(lag.behind().toMillis(), lag.events(), (long) debezium.getOrDefault("queued", -1L),
                (long) debezium.getOrDefault("behind", -1L), unsent, undecoded, unapplied, (System.nanoTime() - t0) / 1e6);
    }

    private static long diff(Connection c, String a, String b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::bigint")) {
            ps.setString(1, a);
            ps.setString(2, b);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // Debezium reports the last event's position as a map of strings; PostgreSQL's lsn is a number.
    private static String lsn(Object value) {
        long v = Long.parseLong(value.toString());
        return Long.toHexString(v >>> 32).toUpperCase() + "/" + Long.toHexString(v & 0xFFFFFFFFL).toUpperCase();
    }

    // The streaming metrics of the one engine running: queue depth, time behind, last event's position.
    private static Map<String, Object> debeziumStreaming() {
        Map<String, Object> out = new java.util.HashMap<>();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : server.queryNames(new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,*"), null)) {
                Object connected = server.getAttribute(name, "Connected");
                if (!Boolean.TRUE.equals(connected)) {
                    continue;
                }
                long total = ((Number) server.getAttribute(name, "QueueTotalCapacity")).longValue();
                long free = ((Number) server.getAttribute(name, "QueueRemainingCapacity")).longValue();
                out.put("queued", total - free);
                out.put("behind", ((Number) server.getAttribute(name, "MilliSecondsBehindSource")).longValue());
                Object position = server.getAttribute(name, "SourceEventPosition");
                // an MXBean's Map<String, String> arrives as rows of (key, value); TabularData is a Map whose get wants Object[]
                if (position instanceof javax.management.openmbean.TabularData rows) {
                    for (Object row : rows.values()) {
                        var r = (javax.management.openmbean.CompositeData) row;
                        if ("lsn".equals(r.get("key"))) {
                            out.put("lsn", r.get("value"));
                        }
                    }
                } else if (position instanceof Map<?, ?> m && m.get("lsn") != null) {
                    out.put("lsn", m.get("lsn"));
                }
            }
        } catch (Exception e) {
            // metrics not registered: the snapshot goes without them
            org.slf4j.LoggerFactory.getLogger(PauseProbe.class).info("Debezium's streaming metrics unread: {}", e.toString());
        }
        return out;
    }
}
