package io.cutover.postgres;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.CaptureSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions a reverse stream whose slot was created before the write pause: reads its source's
 * current WAL position inside the pause and stores it as the stream's start offset.
 *
 * <p>Why this is enough: the slot, made earlier, has decoded from its creation point, so it also
 * holds the changes the forward stream applied on this server until the pause. The connector
 * starts a stream that has a stored offset with {@code START_REPLICATION ... LOGICAL <lsn>} from
 * the offset's {@code lsn} (without {@code lsn_proc} it runs no WAL position search), and the
 * server, given a start ahead of the slot's confirmed position, skips every transaction whose
 * commit record lies before it. The position is read after the catch-up, so every forward apply
 * committed before it; writes after the flip commit after it and are captured. It is stored on
 * the stream's target only before the stream's first start, after the pause: nothing inside the
 * pause writes. Stateless.
 */
final class PgReverseStart {

    private static final Logger LOG = LoggerFactory.getLogger(PgReverseStart.class);

    private PgReverseStart() {
    }

    /**
     * Reads the stream source's WAL position now: inside the pause, after the catch-up.
     *
     * @param streamSource the server the reverse stream reads (the forward stream's target)
     * @param streamName the reverse stream, for the message
     * @return the position
     * @throws CutoverException (phase REVERSE) if the server refuses
     */
    static long read(PgEndpoint streamSource, String streamName) {
        try {
            return streamSource.control(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()")) {
                    rs.next();
                    return LogSequenceNumber.valueOf(rs.getString(1)).asLong();
                }
            });
        } catch (SQLException e) {
            throw new CutoverException(Phase.REVERSE, "cannot read the WAL position of " + streamSource
                    + " for the reverse stream '" + streamName + "': " + e.getMessage(), e);
        }
    }

    /**
     * Has the capture host store a position read by {@link #read} as the stream's start. Runs
     * before the stream's first start, after the write pause: the position was fixed inside it.
     *
     * @param streamTarget the server the reverse stream applies to, which keeps its offset
     * @param names the reverse stream's names
     * @param spec the reverse stream
     * @param lsn the position
     * @throws CutoverException (phase REVERSE) if the target refuses
     */
    static void store(PgEndpoint streamTarget, PgNames names, CaptureSpec spec, long lsn) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("lsn", lsn);
        // The connector's offset reader takes the commit time as a Long, required.
        offset.put("ts_usec", System.currentTimeMillis() * 1000L);
        try {
            // Through the target's warm control connection, logging in to nothing.
            streamTarget.control(c -> {
                CaptureSpec lent = CaptureSpec.builder().name(spec.name()).dialect(spec.dialect()).session(spec.session())
                        .source(spec.source()).target(new LentConnection(c)).clock(spec.clock()).build();
                CaptureHost.load().startAt(lent, Map.of("server", names.topicPrefix()), offset);
                return null;
            });
        } catch (SQLException e) {
            throw new CutoverException(Phase.REVERSE, "cannot store the start position of the reverse stream '"
                    + spec.name() + "' on " + streamTarget + ": " + e.getMessage(), e);
        }
        LOG.info("stream '{}' will start at WAL position {} (slot {} made before the pause)", spec.name(),
                LogSequenceNumber.valueOf(lsn), names.slot());
    }
}
