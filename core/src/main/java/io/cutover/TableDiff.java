package io.cutover;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Verifier} found in one table.
 *
 * @param sourceTable the table's name on the source
 * @param targetTable the table's name on the target
 * @param rowsCompared source rows read and compared (first pass)
 * @param chunks key-range chunks compared
 * @param differences rows that differ, all of them, reported or not
 * @param reported the first differing rows, with their keys, up to the verifier's cap
 * @param unsettled rows that were still changing on the source at every re-check, so could not be
 *     judged; they are not counted as differences
 */
public record TableDiff(String sourceTable, String targetTable, long rowsCompared, long chunks, long differences,
        List<RowDiff> reported, long unsettled) {

    /**
     * Validates and copies.
     *
     * @param sourceTable see the record component
     * @param targetTable see the record component
     * @param rowsCompared see the record component
     * @param chunks see the record component
     * @param differences see the record component
     * @param reported see the record component
     * @param unsettled see the record component
     * @throws NullPointerException if a name or the list is null
     * @throws IllegalArgumentException if a count is negative or fewer differences than reported
     */
    public TableDiff {
        Objects.requireNonNull(sourceTable, "sourceTable");
        Objects.requireNonNull(targetTable, "targetTable");
        reported = List.copyOf(Objects.requireNonNull(reported, "reported"));
        if (rowsCompared < 0 || chunks < 0 || unsettled < 0 || differences < reported.size()) {
            throw new IllegalArgumentException("table '" + sourceTable + "': counts must be non-negative and"
                    + " differences (" + differences + ") at least the reported rows (" + reported.size() + ")");
        }
    }

    /**
     * Returns whether no row differs.
     *
     * @return true when {@link #differences()} is zero
     */
    public boolean isClean() {
        return differences == 0;
    }

    /**
     * Returns how many differing rows are counted but not listed in {@link #reported()}.
     *
     * @return the differences beyond the cap
     */
    public long unreported() {
        return differences - reported.size();
    }

    /**
     * Returns a one-line description, e.g. {@code 'users' -> 'users': 1000 rows, 2 differ
     * [MISSING_ON_TARGET {id=5}, DIFFERING {id=7} [email]]}.
     *
     * @return the description
     */
    public String summary() {
        StringBuilder sb = new StringBuilder("'").append(sourceTable).append("' -> '").append(targetTable).append("': ")
                .append(rowsCompared).append(" rows in ").append(chunks).append(" chunks, ");
        sb.append(differences == 0 ? "clean" : differences + " differ " + reported);
        if (unreported() > 0) {
            sb.append(" and ").append(unreported()).append(" more");
        }
        if (unsettled > 0) {
            sb.append(", ").append(unsettled).append(" still changing (not judged)");
        }
        return sb.toString();
    }
}
