package io.cutover;

import java.util.Objects;

/**
 * What {@link Cutover#liftLeftoverGuard(ConnectionSwitcher, ReplicationLink)} found and did about a source guard that a cutover whose
 * process died may have left engaged.
 *
 * @param action whether the guard was lifted or kept
 * @param side the side whose guard it is (the link's source)
 * @param live the side the fleet's durable record names live
 * @param detail what was read and why this was safe (or not), for logs and operators
 */
public record GuardRecovery(Action action, Side side, Side live, String detail) {

    /** What was done with the guard. */
    public enum Action {
        /** The live side is the guarded side and no cutover is under way: the guard was lifted, writes go through. */
        LIFTED,
        /** The live side is the other side: the guarded side is the old one, so its guard stays. */
        KEPT
    }

    /**
     * Validates the record.
     *
     * @throws NullPointerException if a field is null
     */
    public GuardRecovery {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(detail, "detail");
    }
}
