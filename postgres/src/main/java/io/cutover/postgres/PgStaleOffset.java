package io.cutover.postgres;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.PreflightException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Refuses to start a stream from an offset its slot no longer backs. The offset stored on the
 * target names a WAL position of the slot on the source; when that slot is gone (closed while the
 * target was unreachable, so the offset stayed, or dropped by hand), the connector would create a
 * new slot at the source's current position and resume from there, silently skipping every change
 * committed in between. The same holds for a slot dropped and made again under the same name: it
 * starts where it was made, and its confirmed position lies past the stored offset (the stream
 * confirms to its slot only what it stored on the target first). A start with such an offset fails
 * instead, saying how to start over.
 */
final class PgStaleOffset {
    /** The key of the marker a bulk initial copy stores while it runs (the capture host's). */
    private static final String COPY_KEY = "cutover:initial-copy";
    /** A WAL position in the connector's offset. */
    private static final Pattern LSN_FIELD = Pattern.compile("\"(?:lsn|lsn_proc|lsn_commit)\"\\s*:\\s*(\\d+)");

    private PgStaleOffset() {
    }

    /**
     * Checks, before the slot is created, that an offset stored for the stream has its slot.
     *
     * @param initialCopy whether the link copies first: a copy that had only started is redone, which needs no slot
     * @throws PreflightException if the target holds an offset while the source has no slot for it,
     *     or a slot made after it
     * @throws CutoverException if either side cannot be read (nothing is started)
     */
    static void check(PgEndpoint source, PgEndpoint target, PgNames names, boolean initialCopy) {
        Optional<Long> slot; // the slot's confirmed position (0 if it has none yet), empty if there is no slot
        Optional<List<String>> stored;
        try {
            slot = source.control(c -> confirmedFlush(c, names.slot()));
            stored = target.control(c -> storedOffset(c, names.stream()));
        } catch (SQLException e) {
            throw new CutoverException(Phase.PREFLIGHT, "stream '" + names.stream() + "': cannot check that slot " + names.slot()
                    + " backs the offset stored on " + target.side + " (" + e.getMessage() + "); nothing was started", e);
        }
        if (stored.isEmpty() || (initialCopy && COPY_KEY.equals(stored.get().get(0)) && "started".equals(stored.get().get(1)))) {
            return;
        }
        String stream = names.stream().replace("'", "''");
        String startOver = " Nothing was started. To replicate again, " + target.side + " must be copied afresh: on " + target.side
                + " run DELETE FROM cutover_offsets WHERE stream = '" + stream + "'; empty the replicated tables there and start"
                + " the link with initialCopy(true)";
        if (slot.isEmpty()) {
            throw new PreflightException(List.of("stream '" + names.stream() + "': " + target + " holds an offset for it in"
                    + " cutover_offsets, but its replication slot " + names.slot() + " no longer exists on " + source
                    + " (the link was closed while " + target.side + " was unreachable, or the slot was dropped by hand):"
                    + " a new slot would start at the current WAL position and every change committed since the stored offset"
                    + " would be skipped." + startOver));
        }
        long storedLsn = storedLsn(stored.get().get(1));
        // The stream confirms to its slot only what it stored on the target first, so a slot confirmed past the
        // stored offset did not come from this stream: it was dropped and made again, from a later position.
        if (storedLsn > 0 && slot.get() > storedLsn) {
            throw new PreflightException(List.of("stream '" + names.stream() + "': replication slot " + names.slot() + " on "
                    + source + " starts at " + LogSequenceNumber.valueOf(slot.get()).asString() + ", past the offset stored on "
                    + target.side + " (" + LogSequenceNumber.valueOf(storedLsn).asString() + "): the slot was dropped and made"
                    + " again under the same name, and the changes committed in between are in neither." + startOver));
        }
    }

    private static Optional<Long> confirmedFlush(java.sql.Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String lsn = rs.getString(1);
                return Optional.of(lsn == null ? 0L : LogSequenceNumber.valueOf(lsn).asLong());
            }
        }
    }

    private static Optional<List<String>> storedOffset(java.sql.Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT offset_key, offset_value FROM cutover_offsets WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(List.of(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // no offset table yet: nothing stored
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The furthest WAL position a stored offset names: the connector's offset is flat JSON with
     * numeric {@code lsn}, {@code lsn_proc} and {@code lsn_commit}.
     *
     * @param offsetValue the stored offset's value
     * @return the position, or 0 if it names none
     */
    static long storedLsn(String offsetValue) {
        long max = 0;
        if (offsetValue != null) {
            Matcher m = LSN_FIELD.matcher(offsetValue);
            while (m.find()) {
                try {
                    max = Math.max(max, Long.parseLong(m.group(1)));
                } catch (NumberFormatException e) {
                    // not a position: ignored
                }
            }
        }
        return max;
    }
}
