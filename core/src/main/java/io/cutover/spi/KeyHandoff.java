package io.cutover.spi;

import java.util.List;

/**
 * Moves the target's key generators (PostgreSQL sequences, MySQL AUTO_INCREMENT counters) past
 * the source's values, so that the first insert on the target after the flip does not collide
 * with a replicated row. Change streams do not carry these counters.
 */
@FunctionalInterface
public interface KeyHandoff {

    /** A hand-off with nothing to move. */
    KeyHandoff NONE = List::of;

    /**
     * Does, before the write pause, what does not need writes stopped: looks up which columns
     * own counters and may move the target's counters ahead of the source's with headroom, so
     * that {@link #handOff()} inside the pause only checks them. Called once per cutover, while
     * writes still flow; {@link #handOff()} stays correct whether or not it ran. The default
     * does nothing.
     *
     * @return one line per counter prepared, for the report
     * @throws io.cutover.CutoverException (phase PREFLIGHT) if a counter cannot be read or set
     */
    default List<String> prepare() {
        return List.of();
    }

    /**
     * Moves every counter of the replicated tables on the target past the source's.
     *
     * @return one line per counter moved, for the report ({@code "orders_id_seq: 1042 -> 2042"})
     * @throws io.cutover.CutoverException (phase HANDOFF) if a counter cannot be read or set
     */
    List<String> handOff();
}
