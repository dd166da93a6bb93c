package io.cutover;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * How far a stream's initial copy has come, while it is {@link ReplicationStream.State#COPYING}.
 * Counts the dialect does not know are {@link #UNKNOWN}.
 *
 * @param tablesDone tables copied completely
 * @param tablesTotal tables the copy covers, or {@link #UNKNOWN}
 * @param rowsCopied rows copied so far, over every table
 * @param rowsEstimated the rows the copy expects in all (the server's estimate), or {@link #UNKNOWN}
 */
public record CopyStatus(int tablesDone, int tablesTotal, long rowsCopied, long rowsEstimated) {

    /** A count nobody knows. */
    public static final int UNKNOWN = -1;

    /**
     * Validates the counts.
     *
     * @param tablesDone see the record component
     * @param tablesTotal see the record component
     * @param rowsCopied see the record component
     * @param rowsEstimated see the record component
     * @throws IllegalArgumentException if a count is negative (other than {@link #UNKNOWN} where
     *     allowed) or more tables are done than there are
     */
    public CopyStatus {
        if (tablesDone < 0 || rowsCopied < 0) {
            throw new IllegalArgumentException("tablesDone and rowsCopied must not be negative, were "
                    + tablesDone + " and " + rowsCopied);
        }
        if (tablesTotal < UNKNOWN || rowsEstimated < UNKNOWN) {
            throw new IllegalArgumentException("tablesTotal and rowsEstimated must be UNKNOWN (-1) or not negative, were "
                    + tablesTotal + " and " + rowsEstimated);
        }
        if (tablesTotal != UNKNOWN && tablesDone > tablesTotal) {
            throw new IllegalArgumentException(tablesDone + " tables done of only " + tablesTotal);
        }
    }

    /**
     * Returns the rows expected in all, if the dialect estimated them.
     *
     * @return the estimate, or empty
     */
    public OptionalLong estimate() {
        return rowsEstimated == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(rowsEstimated);
    }

    /**
     * Returns the share of the estimated rows copied, capped at 1 (estimates are rough).
     *
     * @return a fraction between 0 and 1, or empty without an estimate
     */
    public Optional<Double> fraction() {
        if (rowsEstimated == UNKNOWN) {
            return Optional.empty();
        }
        return Optional.of(rowsEstimated == 0 ? 1.0 : Math.min(1.0, (double) rowsCopied / rowsEstimated));
    }

    @Override
    public String toString() {
        return tablesDone + "/" + (tablesTotal == UNKNOWN ? "?" : tablesTotal) + " tables, " + rowsCopied
                + (rowsEstimated == UNKNOWN ? "" : " of ~" + rowsEstimated) + " rows";
    }
}
