package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions a not-yet-started stream at its source's binlog position now (the reverse stream
 * inside the pause, a stream without initial copy when it starts), by storing that position as
 * the stream's offset where the capture host keeps offsets: the
 * {@value #OFFSETS_TABLE} table on the stream's target, in the host's encoding (Kafka Connect
 * JSON of {@code [engine name, partition]} and of the offset map). Called inside the write pause
 * for the reverse stream, so that every write on the new side after the flip is captured; the
 * stream then rebuilds its schema history from the live schema ({@code snapshot.mode=recovery})
 * and reads the binlog from this position.
 *
 * <p>This writes into a table the host owns (its DDL is repeated here, as the host keeps it
 * package-private); the host's {@code CREATE TABLE IF NOT EXISTS} then finds it in place.
 */
final class ReverseSeed {
    /** The host's offsets table. */
    static final String OFFSETS_TABLE = "cutover_offsets";

    private static final Logger LOG = LoggerFactory.getLogger(ReverseSeed.class);

    private ReverseSeed() {
    }

    /**
     * Reads the source's position and stores it as the stream's offset on the target.
     *
     * @param flavour the stream source's flavour
     * @param streamSourceData the server the stream will read (its binlog position is taken now)
     * @param streamTargetData the server the stream will write to (the offset is stored there)
     * @param streamName the stream's name
     * @throws CutoverException (phase REVERSE) if either server refuses
     */
    static void seed(Flavour flavour, EndpointDataSource streamSourceData, EndpointDataSource streamTargetData,
            String streamName) {
        Endpoint streamSource = streamSourceData.endpoint();
        Endpoint streamTarget = streamTargetData.endpoint();
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
        String engine = "cutover-" + streamName;
        Map<String, Object> partition = Map.of("server", CaptureProperties.topicPrefix(streamName));
        String key = json(engine, Arrays.asList(engine, partition), true);
        String value = json(engine, offset, false);
        try (Connection dst = streamTargetData.getConnection()) {
            try (Statement st = dst.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + OFFSETS_TABLE + " (stream VARCHAR(190) NOT NULL PRIMARY KEY,"
                        + " offset_key TEXT, offset_value TEXT, fence_id BIGINT NOT NULL, applied_at BIGINT NOT NULL)");
            }
            try (PreparedStatement ps = dst.prepareStatement("INSERT INTO " + OFFSETS_TABLE
                    + " (stream, offset_key, offset_value, fence_id, applied_at) VALUES (?, ?, ?, 0, ?)"
                    + " ON DUPLICATE KEY UPDATE offset_key = VALUES(offset_key), offset_value = VALUES(offset_value),"
                    + " applied_at = VALUES(applied_at)")) {
                ps.setString(1, streamName);
                ps.setString(2, key);
                ps.setString(3, value);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new CutoverException(Phase.REVERSE, "cannot store the reverse stream's start position on "
                    + streamTarget.describe() + ": " + e.getMessage(), e);
        }
        LOG.info("stream '{}' will start at {} of {}", streamName, offset, streamSource.describe());
    }

    private static String json(String topic, Object value, boolean isKey) {
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false"), isKey);
            return new String(converter.fromConnectData(topic, null, value), StandardCharsets.UTF_8);
        }
    }
}
