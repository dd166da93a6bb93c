package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.CaptureSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions a not-yet-started stream at its source's binlog position now (the reverse stream
 * inside the pause, a stream without initial copy when it starts): reads the position and asks the
 * capture host to {@linkplain CaptureHost#startAt start the stream there}. For the reverse stream
 * the position is {@linkplain #read read} inside the write pause, so that every write on the new
 * side after the flip is captured, and {@linkplain #store stored} before the stream first starts;
 * the stream then rebuilds its schema history from the live schema ({@code snapshot.mode=recovery},
 * see {@link MySqlLink}) and reads the binlog from this position. Stateless.
 */
final class ReverseSeed {

    private static final Logger LOG = LoggerFactory.getLogger(ReverseSeed.class);

    private ReverseSeed() {
    }

    /**
     * Reads the source's position and has the host store it as the stream's start.
     *
     * @param flavour the stream source's flavour
     * @param streamSourceData the server the stream will read (its binlog position is taken now)
     * @param spec the stream, whose target keeps the position
     * @throws CutoverException (phase REVERSE) if the source or the target refuses
     */
    static void seed(Flavour flavour, EndpointDataSource streamSourceData, CaptureSpec spec) {
        store(spec, read(flavour, streamSourceData));
    }

    /**
     * Reads the source's binlog position now (inside the write pause for the reverse stream).
     *
     * @param flavour the stream source's flavour
     * @param streamSourceData the server the stream will read
     * @return the connector offset at that position
     * @throws CutoverException (phase REVERSE) if the source refuses or has no binlog
     */
    static Map<String, Object> read(Flavour flavour, EndpointDataSource streamSourceData) {
        Endpoint streamSource = streamSourceData.endpoint();
        Map<String, Object> offset = new LinkedHashMap<>();
        try (Connection src = streamSourceData.getConnection()) {
            BinlogPosition.FileOffset at = BinlogPosition.fileAndOffset(src, flavour).orElseThrow(() ->
                    new CutoverException(Phase.REVERSE, streamSource.describe() + " reports no binlog position;"
                            + " the reverse stream needs log_bin=ON there"));
            offset.put("file", at.file());
            offset.put("pos", at.offset());
            String gtids = BinlogPosition.gtidExecuted(src, flavour);
            if (!gtids.isEmpty()) {
                offset.put("gtids", gtids);
            }
        } catch (SQLException e) {
            throw new CutoverException(Phase.REVERSE, "cannot read the binlog position of " + streamSource.describe()
                    + ": " + e.getMessage(), e);
        }
        return offset;
    }

    /**
     * Has the capture host store an offset from {@link #read} as the stream's start; may run
     * after the pause, before the stream's first start.
     *
     * @param spec the stream, whose target keeps the position
     * @param offset the offset
     * @throws CutoverException (phase REVERSE) if the target refuses
     */
    static void store(CaptureSpec spec, Map<String, Object> offset) {
        Map<String, Object> partition = Map.of("server", CaptureProperties.topicPrefix(spec.name()));
        try {
            CaptureHost.load().startAt(spec, partition, offset);
        } catch (SQLException e) {
            String target = spec.target() instanceof EndpointDataSource t ? t.endpoint().describe() : "its target";
            throw new CutoverException(Phase.REVERSE, "cannot store the start position of stream '" + spec.name() + "' on "
                    + target + ": " + e.getMessage(), e);
        }
        LOG.info("stream '{}' will start at {}", spec.name(), offset);
    }
}
