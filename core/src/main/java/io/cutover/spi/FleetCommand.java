package io.cutover.spi;

import io.cutover.Side;
import java.util.Objects;

/**
 * One command a coordinator publishes to a fleet through a {@link FleetChannel}.
 *
 * @param seq the channel-assigned sequence number (strictly increasing per fleet); 0 in a command
 *     not yet published
 * @param kind what to do
 * @param cutover the id of the cutover run that issued it; acks and RESUME refer to it
 * @param side the side to flip to ({@link Kind#FLIP}), else null
 * @param generation the live side's generation after the flip ({@link Kind#FLIP}), else 0
 * @param drainMillis how long a member may drain ({@link Kind#PAUSE}), else 0
 * @param holdMillis the longest the coordinator may keep writes paused ({@link Kind#PAUSE}), else 0
 * @param issuer the member id of the coordinator
 * @param issuedAt epoch milliseconds on the coordinator's clock
 */
public record FleetCommand(long seq, Kind kind, String cutover, Side side, long generation, long drainMillis,
        long holdMillis, String issuer, long issuedAt) {

    /** What a command asks of the members. */
    public enum Kind {
        /** Stop new writes, drain those in flight, ack (or nack when the drain times out). */
        PAUSE,
        /**
         * Point writes at {@code side} and, for a member paused by the same cutover, resume at once
         * (the live side is already recorded durably); ack with the member's own pause.
         */
        FLIP,
        /** Let writes go on (an aborted or rehearsed cutover); a member not paused ignores it. */
        RESUME
    }

    /**
     * Validates the record.
     *
     * @throws NullPointerException if kind, cutover or issuer is null, or side for a FLIP
     */
    public FleetCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(cutover, "cutover");
        Objects.requireNonNull(issuer, "issuer");
        if (kind == Kind.FLIP) {
            Objects.requireNonNull(side, "side");
        }
    }

    /**
     * Returns this command with the sequence number the channel gave it.
     *
     * @param assigned the sequence number
     * @return a copy
     */
    public FleetCommand withSeq(long assigned) {
        return new FleetCommand(assigned, kind, cutover, side, generation, drainMillis, holdMillis, issuer, issuedAt);
    }
}
