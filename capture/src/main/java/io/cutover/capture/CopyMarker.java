package io.cutover.capture;

/**
 * The offset rows that stand for a bulk initial copy rather than a connector offset: "started"
 * is written before the copy begins, "done" when it ended without an offset of its own (the
 * engine then starts at the position the source keeps, a PostgreSQL slot). Stateless.
 */
final class CopyMarker {

    private static final String KEY = "cutover:initial-copy";

    /** A copy began and has not ended: on the next start it is discarded and run again. */
    static final OffsetTable.Stored STARTED = new OffsetTable.Stored(KEY, "started", 0L);

    /** A copy ended; the engine starts at the source's own position for the stream. */
    static final OffsetTable.Stored DONE = new OffsetTable.Stored(KEY, "done", 0L);

    private CopyMarker() {
    }

    static boolean isMarker(OffsetTable.Stored stored) {
        return KEY.equals(stored.key());
    }

    static boolean isStarted(OffsetTable.Stored stored) {
        return isMarker(stored) && STARTED.value().equals(stored.value());
    }
}
