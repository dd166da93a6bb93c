package io.cutover.spi;

import java.util.Objects;

/**
 * A member's answer to one {@link FleetCommand}.
 *
 * @param seq the command's sequence number
 * @param member the member's id
 * @param ok true when it did what was asked; false (a nack) when it could not, say its drain
 *     timed out
 * @param detail why not, for a nack; empty otherwise
 */
public record FleetAck(long seq, String member, boolean ok, String detail) {

    /**
     * Validates the record.
     *
     * @throws NullPointerException if member or detail is null
     */
    public FleetAck {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(detail, "detail");
    }
}
