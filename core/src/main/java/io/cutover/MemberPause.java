package io.cutover;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one member of a fleet held its writes paused during a cutover, as the member itself
 * measured it: from the moment it read the coordinator's PAUSE to the moment it resumed. The
 * coordinator's own entry is its local pause. See {@link FleetMember#lastPauses()}.
 *
 * @param cutover the name of the cutover that paused it
 * @param member the member's id
 * @param pause the member's own pause
 */
public record MemberPause(String cutover, String member, Duration pause) {

    /**
     * Validates the record.
     *
     * @throws NullPointerException if cutover, member or pause is null
     * @throws IllegalArgumentException if pause is negative
     */
    public MemberPause {
        Objects.requireNonNull(cutover, "cutover");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(pause, "pause");
        if (pause.isNegative()) {
            throw new IllegalArgumentException("member " + member + ": pause must not be negative, was " + pause);
        }
    }
}
