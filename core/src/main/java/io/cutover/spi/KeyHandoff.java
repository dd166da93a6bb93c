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
     * Moves every counter of the replicated tables on the target past the source's.
     *
     * @return one line per counter moved, for the report ({@code "orders_id_seq: 1042 -> 2042"})
     * @throws io.cutover.CutoverException (phase HANDOFF) if a counter cannot be read or set
     */
    List<String> handOff();
}
