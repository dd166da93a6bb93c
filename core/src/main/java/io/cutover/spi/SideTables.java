package io.cutover.spi;

import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.transform.TableMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The replicated tables as each side names them, and the transforms keyed by the name each
 * direction's source reports. Green's name of a table is the one declared with its transform
 * (for a {@link TableMapping}, its {@link TableMapping#targetTable()}), blue's otherwise. Every
 * part of a link that touches one side (capture, preflight, guard, sequence hand-off) takes that
 * side's list; the lists are in the same order, so position {@code i} is one table on both sides.
 * Shared by the dialects, which take the names from their builders. Immutable; thread-safe.
 */
public final class SideTables {

    private final List<String> blue;
    private final List<String> green;
    private final Map<String, RowTransform> forward;
    private final Map<String, RowTransform> reverse;

    /**
     * Pairs blue's tables with green's names for them and keys the transforms by each source's names.
     *
     * @param blue blue's table names, in order
     * @param greenNames green's name of each blue table that has another one
     * @param forward blue-to-green transforms keyed by blue's name
     * @param reverse green-to-blue transforms keyed by blue's name
     * @throws IllegalStateException if two blue tables map to one green table
     */
    public SideTables(List<String> blue, Map<String, String> greenNames, Map<String, RowTransform> forward,
            Map<String, RowTransform> reverse) {
        this.blue = List.copyOf(blue);
        List<String> g = new ArrayList<>();
        for (String t : blue) {
            String name = greenNames.getOrDefault(t, t);
            if (g.contains(name)) {
                throw new IllegalStateException("two blue tables replicate to green table '" + name
                        + "'; give each its own green table");
            }
            g.add(name);
        }
        this.green = List.copyOf(g);
        this.forward = Map.copyOf(forward);
        Map<String, RowTransform> back = new LinkedHashMap<>();
        reverse.forEach((table, transform) -> back.put(greenNames.getOrDefault(table, table), transform));
        this.reverse = Map.copyOf(back);
    }

    /**
     * Checks a table's transforms against the names they are declared for.
     *
     * @param blueTable blue's name of the table
     * @param greenTable green's name of the table
     * @param blueToGreen the forward transform
     * @param greenToBlue the reverse transform
     * @throws IllegalArgumentException if a {@link TableMapping} reads or writes another table
     */
    public static void checkNames(String blueTable, String greenTable, RowTransform blueToGreen, RowTransform greenToBlue) {
        check(blueToGreen, "blueToGreen", blueTable, greenTable);
        check(greenToBlue, "greenToBlue", greenTable, blueTable);
    }

    private static void check(RowTransform t, String what, String from, String to) {
        if (t instanceof TableMapping m && (!m.sourceTable().equals(from) || !m.targetTable().equals(to))) {
            throw new IllegalArgumentException(what + " maps '" + m.sourceTable() + "' -> '" + m.targetTable()
                    + "' but is given for '" + from + "' -> '" + to + "'; pass the mapping of that table"
                    + " (for the way back, the forward mapping's reverse())");
        }
    }

    /**
     * Returns green's name of a table: the forward mapping's target, or the name itself.
     *
     * @param blueTable blue's name
     * @param blueToGreen its forward transform
     * @return green's name
     */
    public static String greenName(String blueTable, RowTransform blueToGreen) {
        return blueToGreen instanceof TableMapping m ? m.targetTable() : Objects.requireNonNull(blueTable);
    }

    /**
     * Returns the tables as a side names them, in the same order on both sides.
     *
     * @param side blue or green
     * @return that side's names
     */
    public List<String> on(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    /**
     * Returns the transforms of the stream reading a side, keyed by that side's table names.
     *
     * @param source the side the stream reads
     * @return transforms by source table name
     */
    public Map<String, RowTransform> readFrom(Side source) {
        return source == Side.BLUE ? forward : reverse;
    }
}
