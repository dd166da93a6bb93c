package io.cutover.postgres;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.PreflightException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to start a stream from an offset its slot no longer backs. The offset stored on the
 * target names a WAL position of the slot on the source; when that slot is gone (closed while the
 * target was unreachable, so the offset stayed, or dropped by hand), the connector would create a
 * new slot at the source's current position and resume from there, silently skipping every change
 * committed in between. A start with such an offset fails instead, saying how to start over.
 */
final class PgStaleOffset {
    /** The key of the marker a bulk initial copy stores while it runs (the capture host's). */
    private static final String COPY_KEY = "cutover:initial-copy";

    private PgStaleOffset() {
    }

    /**
     * Checks, before the slot is created, that an offset stored for the stream has its slot.
     *
     * @param initialCopy whether the link copies first: a copy that had only started is redone, which needs no slot
     * @throws PreflightException if the target holds an offset while the source has no slot for it
     * @throws CutoverException if either side cannot be read (nothing is started)
     */
    static void check(PgEndpoint source, PgEndpoint target, PgNames names, boolean initialCopy) {
        boolean slot;
        Optional<List<String>> stored;
        try {
            slot = source.control(c -> PgCapture.exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", names.slot()));
            if (slot) {
                return;
            }
            stored = target.control(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT offset_key, offset_value FROM cutover_offsets WHERE stream = ?")) {
                    ps.setString(1, names.stream());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(List.of(rs.getString(1), rs.getString(2))) : Optional.<List<String>>empty();
                    }
                } catch (SQLException e) {
                    if ("42P01".equals(e.getSQLState())) { // no offset table yet: nothing stored
                        return Optional.<List<String>>empty();
                    }
                    throw e;
                }
            });
        } catch (SQLException e) {
            throw new CutoverException(Phase.PREFLIGHT, "stream '" + names.stream() + "': cannot check that slot " + names.slot()
                    + " backs the offset stored on " + target.side + " (" + e.getMessage() + "); nothing was started", e);
        }
        if (stored.isEmpty() || (initialCopy && COPY_KEY.equals(stored.get().get(0)) && "started".equals(stored.get().get(1)))) {
            return;
        }
        String stream = names.stream().replace("'", "''");
        throw new PreflightException(List.of("stream '" + names.stream() + "': " + target + " holds an offset for it in"
                + " cutover_offsets, but its replication slot " + names.slot() + " no longer exists on " + source
                + " (the link was closed while " + target.side + " was unreachable, or the slot was dropped by hand):"
                + " a new slot would start at the current WAL position and every change committed since the stored offset"
                + " would be skipped. Nothing was started. To replicate again, " + target.side + " must be copied afresh: on " + target.side
                + " run DELETE FROM cutover_offsets WHERE stream = '" + stream + "'; empty the replicated tables there and start"
                + " the link with initialCopy(true)"));
    }
}
