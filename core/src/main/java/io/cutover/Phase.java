package io.cutover;

/**
 * The steps of a cutover, in the order they run. Every {@link CutoverException} names the phase
 * it failed in, and {@link CutoverResult} reports the duration of each phase that ran.
 */
public enum Phase {
    /** Checks that run before writes are touched: the stream is live, lag is low, the target is writable. */
    PREFLIGHT,
    /** New write leases are refused and the ones in flight are drained. */
    PAUSE,
    /** The database-side guard makes the old side refuse writes from anyone. */
    GUARD,
    /** A fence is written on the source and the stream applies everything up to it on the target. */
    CATCH_UP,
    /** Sequences / AUTO_INCREMENT counters on the target are moved past the source's. */
    HANDOFF,
    /** Change capture on the target starts, so a rollback loses nothing written after the flip. */
    REVERSE,
    /** The switcher points at the target. */
    FLIP,
    /** Writes go on, to the target. */
    RESUME,
    /** Not part of a run: a cutover that was given up and left the source authoritative. */
    ABORT,
    /** Not part of a run: a migration is ended and what it left on both servers is removed. */
    FINISH
}
