package io.cutover;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The result of {@link Verifier#run()}: one {@link TableDiff} per table, in the order given.
 *
 * @param tables what was found per table
 * @param rowsCompared source rows compared, over all tables
 * @param duration how long the run took
 */
public record VerifyReport(List<TableDiff> tables, long rowsCompared, Duration duration) {

    /**
     * Validates and copies.
     *
     * @param tables see the record component
     * @param rowsCompared see the record component
     * @param duration see the record component
     * @throws NullPointerException if the list or duration is null
     */
    public VerifyReport {
        tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * Returns whether no table has a difference.
     *
     * @return true when every table is clean
     */
    public boolean isClean() {
        return tables.stream().allMatch(TableDiff::isClean);
    }

    /**
     * Returns the rows compared per second over the whole run.
     *
     * @return the rate; 0 when nothing was compared
     */
    public double rowsPerSecond() {
        long ms = Math.max(1, duration.toMillis());
        return rowsCompared * 1000.0 / ms;
    }

    /**
     * Returns the tables that have differences.
     *
     * @return the differing tables, in order
     */
    public List<TableDiff> differing() {
        return tables.stream().filter(t -> !t.isClean()).toList();
    }

    /**
     * Returns a multi-line description: a headline, then one line per table.
     *
     * @return the description
     */
    public String summary() {
        String head = String.format("verify: %s, %d rows in %d ms (%.0f rows/s)%n", isClean() ? "clean"
                : differing().size() + " of " + tables.size() + " tables differ", rowsCompared, duration.toMillis(),
                rowsPerSecond());
        return head + tables.stream().map(t -> "  " + t.summary()).collect(Collectors.joining(System.lineSeparator()));
    }
}
