package io.cutover;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ReplicationLink#finish(FinishOptions)} removed from each server, one line per
 * object ({@code "replication slot cutover_orders_g2b"}, {@code "table cutover_offsets"},
 * {@code "read_only guard (read_only now OFF)"}), and what it deliberately left in place with the reason and the
 * statement that removes it by hand (the old side's guard, unless asked to lift it; a control
 * table that other migrations still use). A finish that found nothing to remove reports
 * {@link #isEmpty()}: a second finish does.
 *
 * @param link the link that was finished, as its stream is named
 * @param removedFromBlue what was removed from blue, in the order it was removed
 * @param removedFromGreen what was removed from green, in the order it was removed
 * @param leftInPlace what was kept on purpose, each line naming its side, why, and how to remove it
 */
public record FinishReport(String link, List<String> removedFromBlue, List<String> removedFromGreen,
        List<String> leftInPlace) {

    /**
     * Creates a report, copying the lists.
     *
     * @throws NullPointerException if an argument or a line is null
     */
    public FinishReport {
        Objects.requireNonNull(link, "link");
        removedFromBlue = List.copyOf(Objects.requireNonNull(removedFromBlue, "removedFromBlue"));
        removedFromGreen = List.copyOf(Objects.requireNonNull(removedFromGreen, "removedFromGreen"));
        leftInPlace = List.copyOf(Objects.requireNonNull(leftInPlace, "leftInPlace"));
    }

    /**
     * Returns what was removed from one side.
     *
     * @param side blue or green
     * @return that side's lines
     * @throws NullPointerException if {@code side} is null
     */
    public List<String> removedFrom(Side side) {
        return Objects.requireNonNull(side, "side") == Side.BLUE ? removedFromBlue : removedFromGreen;
    }

    /**
     * Tells whether nothing was removed from either server (what was left in place does not count).
     *
     * @return true when both removed lists are empty
     */
    public boolean isEmpty() {
        return removedFromBlue.isEmpty() && removedFromGreen.isEmpty();
    }

    /**
     * Returns the report as text for a log: one line per side and per object left in place.
     *
     * @return several lines, without a trailing newline
     */
    public String summary() {
        List<String> lines = new ArrayList<>();
        lines.add("finished '" + link + "'" + (isEmpty() ? ": nothing left to remove" : ""));
        for (Side side : Side.values()) {
            if (!removedFrom(side).isEmpty()) {
                lines.add("  removed from " + side + ": " + String.join(", ", removedFrom(side)));
            }
        }
        for (String kept : leftInPlace) {
            lines.add("  left in place: " + kept);
        }
        return String.join(System.lineSeparator(), lines);
    }
}
