package io.cutover.spi;

import io.cutover.Side;
import java.util.Objects;

/**
 * A member's row in the fleet: who it is, where it writes and when it last said so.
 *
 * @param member the member's id, unique in the fleet
 * @param side the side its switcher points at
 * @param generation the live side's generation it is on
 * @param paused whether its writes are paused by a coordinator now
 * @param at epoch milliseconds of the heartbeat: on the member's clock when it sends it, on the
 *     channel's clock (the home database's for the JDBC channel) when read back; judge staleness
 *     with {@link FleetChannel#heartbeatAges()}
 */
public record FleetHeartbeat(String member, Side side, long generation, boolean paused, long at) {

    /**
     * Validates the record.
     *
     * @throws NullPointerException if member or side is null
     */
    public FleetHeartbeat {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(side, "side");
    }
}
