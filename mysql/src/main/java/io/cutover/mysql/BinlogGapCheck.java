package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.PreflightException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses to start a stream from an offset whose binlog file the source no longer has. The offset
 * stored on the target names a binlog file and a position in it; once that file is purged from the
 * source ({@code PURGE BINARY LOGS}, or by {@code binlog_expire_logs_seconds} /
 * {@code expire_logs_days} while no stream ran), the changes committed after the position cannot be
 * read any more. Left to the connector, the start succeeds and the engine then fails on the
 * server's error 1236 ("Could not find GTID state requested by slave in any binlog files" on
 * MariaDB), which the stream takes for a lost source and retries without end while its fences time
 * out. A start with such an offset fails instead, before the engine is built, saying what was lost
 * and how to start over.
 *
 * <p>The file decides even where the offset also holds GTIDs: the events after the position lived in
 * that file, and MariaDB does not report which GTIDs it purged, so the file is the evidence both
 * flavours give.
 */
final class BinlogGapCheck {
    // Debezium's MySQL-family offset value is a flat JSON object; its "file" is a JSON string.
    private static final Pattern FILE = Pattern.compile("\"file\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private BinlogGapCheck() {
    }

    /**
     * Checks, before the engine is built, that the binlog file an offset stored for the stream names
     * is still on the source.
     *
     * @param source the stream's source
     * @param sourceLabel the source's side, for the message ({@code blue})
     * @param target the stream's target, holding {@code cutover_offsets}
     * @param targetLabel the target's side ({@code green})
     * @param stream the stream's name, its key in {@code cutover_offsets}
     * @throws PreflightException if the stored offset names a binlog file the source has purged
     * @throws CutoverException if either side cannot be read (nothing is started)
     */
    static void check(EndpointDataSource source, String sourceLabel, EndpointDataSource target, String targetLabel,
            String stream) {
        Optional<String> file;
        List<String> logs;
        try {
            file = storedFile(target, stream);
            if (file.isEmpty()) {
                return;
            }
            logs = binaryLogs(source);
        } catch (SQLException e) {
            throw new CutoverException(Phase.PREFLIGHT, "stream '" + stream + "': cannot check that the binlog file of the"
                    + " offset stored on " + targetLabel + " is still on " + sourceLabel + " (" + e.getMessage()
                    + "); nothing was started", e);
        }
        if (logs.contains(file.get())) {
            return;
        }
        throw new PreflightException(List.of(message(stream, file.get(), logs, source.endpoint().describe(), sourceLabel,
                target.endpoint().describe(), targetLabel)));
    }

    /**
     * Returns the binlog file named by a connector offset's value.
     *
     * @param offsetValue the value as stored (Debezium's JSON, {@code {"file":"mysql-bin.000003","pos":154,...}})
     * @return the file, or empty when the value names none (a copy's marker, say)
     */
    static Optional<String> fileOf(String offsetValue) {
        if (offsetValue == null) {
            return Optional.empty();
        }
        Matcher m = FILE.matcher(offsetValue);
        if (!m.find() || m.group(1).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1).replaceAll("\\\\(.)", "$1"));
    }

    /**
     * Builds the refusal: the file, the oldest still there, what is lost and how to start over.
     *
     * @param stream the stream's name
     * @param file the binlog file the stored offset names
     * @param logs the binlog files on the source, oldest first
     * @param source the source, described
     * @param sourceLabel the source's side
     * @param target the target, described
     * @param targetLabel the target's side
     * @return the message
     */
    static String message(String stream, String file, List<String> logs, String source, String sourceLabel, String target,
            String targetLabel) {
        String oldest = logs.isEmpty() ? sourceLabel + " lists no binlog file at all" : "the oldest binlog file still on "
                + sourceLabel + " is " + logs.get(0);
        return "stream '" + stream + "': " + targetLabel + " (" + target + ") holds an offset for it in cutover_offsets that"
                + " resumes in binlog file " + file + ", but " + sourceLabel + " (" + source + ") no longer has that file ("
                + oldest + "; it was purged by PURGE BINARY LOGS or by binlog_expire_logs_seconds/expire_logs_days while the"
                + " stream was stopped or could not reach " + sourceLabel + "): the changes committed on " + sourceLabel
                + " after the stored offset cannot be streamed any more."
                + " Nothing was started. To replicate again, " + targetLabel + " must be copied afresh: on " + targetLabel
                + " run DELETE FROM cutover_offsets WHERE stream = '" + stream.replace("'", "''") + "'; empty the replicated"
                + " tables there and start the link with initialCopy(true). To keep binlogs longer than a stream may be"
                + " stopped, raise binlog_expire_logs_seconds (or expire_logs_days) on " + sourceLabel;
    }

    // The binlog file of the stream's stored offset; empty when nothing is stored or a copy's marker is.
    private static Optional<String> storedFile(EndpointDataSource target, String stream) throws SQLException {
        try (Connection c = target.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT offset_value FROM cutover_offsets WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                // A copy's marker names no file: a copy that only started is redone and needs no binlog.
                return rs.next() ? fileOf(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) { // no offset table yet: nothing stored
                return Optional.empty();
            }
            throw e;
        }
    }

    private static List<String> binaryLogs(EndpointDataSource source) throws SQLException {
        List<String> logs = new ArrayList<>();
        try (Connection c = source.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(rs.getString(1));
            }
        }
        return logs;
    }
}
