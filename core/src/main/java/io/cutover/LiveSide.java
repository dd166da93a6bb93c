package io.cutover;

import java.util.Objects;

/**
 * Where a fleet's writes go, as recorded durably on both databases: the side and a generation
 * that grows by one with every flip of the fleet. Readers that find two records (one on each
 * database) trust the higher generation, so a member can learn the live side while either
 * database is down.
 *
 * @param side the side every member should write to
 * @param generation how many fleet flips led to it; 0 for a fleet that never flipped
 */
public record LiveSide(Side side, long generation) {

    /**
     * Validates the record.
     *
     * @throws NullPointerException if side is null
     * @throws IllegalArgumentException if generation is negative
     */
    public LiveSide {
        Objects.requireNonNull(side, "side");
        if (generation < 0) {
            throw new IllegalArgumentException("generation must not be negative, was " + generation);
        }
    }

    /**
     * Returns the record that follows this one after a flip to {@code to}.
     *
     * @param to the new side
     * @return {@code to} at {@code generation + 1}
     */
    public LiveSide next(Side to) {
        return new LiveSide(to, generation + 1);
    }

    /**
     * Tells whether this record is newer than another.
     *
     * @param other a record, or null for none
     * @return true when other is null or has a lower generation
     */
    public boolean newerThan(LiveSide other) {
        return other == null || generation > other.generation;
    }

    @Override
    public String toString() {
        return side + " (generation " + generation + ")";
    }
}
