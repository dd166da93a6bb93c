package io.cutover.transform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the round-trip check found for one table: sample rows mapped forward then back, and what
 * did not come back. A cutover result records it, in particular {@link #lossyAccepted()}.
 *
 * <p>Thread safety: an immutable record.
 *
 * @param table the mapping's source table
 * @param rowsChecked how many sample rows were mapped forward and back
 * @param differences every value that did not come back, in sample order
 * @param failures rows or steps that could not be mapped at all (a value that does not convert,
 *     no reverse); never accepted
 * @param lossyColumns the columns the reverse loses: those the mapping declares lossy, then those
 *     that differed, each once
 * @param lossyAccepted true when the check was told to accept a lossy reverse and it is lossy
 */
public record RoundTripReport(String table, int rowsChecked, List<Difference> differences, List<String> failures,
                              List<LossyColumn> lossyColumns, boolean lossyAccepted) {

    /**
     * Validates and copies.
     *
     * @param table see the record component
     * @param rowsChecked see the record component
     * @param differences see the record component
     * @param failures see the record component
     * @param lossyColumns see the record component
     * @param lossyAccepted see the record component
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if rowsChecked is negative
     */
    public RoundTripReport {
        Objects.requireNonNull(table, "table");
        differences = List.copyOf(Objects.requireNonNull(differences, "differences"));
        failures = List.copyOf(Objects.requireNonNull(failures, "failures"));
        lossyColumns = List.copyOf(Objects.requireNonNull(lossyColumns, "lossyColumns"));
        if (rowsChecked < 0) {
            throw new IllegalArgumentException("rowsChecked is negative: " + rowsChecked);
        }
    }

    /**
     * Tells whether every sample row came back equal and the mapping declares no loss.
     *
     * @return true when nothing is lost and nothing failed
     */
    public boolean lossless() {
        return differences.isEmpty() && failures.isEmpty() && lossyColumns.isEmpty();
    }

    /**
     * Describes everything found, one line each with its fix, as a {@link io.cutover.PreflightException}
     * lists them; differences are grouped by column with one example row.
     *
     * @return the problems; empty when {@link #lossless()}
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>(failures);
        Map<String, List<Difference>> byColumn = new LinkedHashMap<>();
        for (Difference d : differences) {
            byColumn.computeIfAbsent(d.column(), c -> new ArrayList<>()).add(d);
        }
        for (LossyColumn lossy : lossyColumns) {
            List<Difference> diffs = byColumn.remove(lossy.column());
            StringBuilder sb = new StringBuilder("table '").append(table).append("': the reverse loses column '")
                    .append(lossy.column()).append("' (").append(lossy.reason()).append(')');
            if (diffs != null) {
                example(sb, diffs);
            }
            sb.append("; change the mapping so the reverse restores it, or accept the loss with LossyReverse.ACCEPT");
            out.add(sb.toString());
        }
        for (Map.Entry<String, List<Difference>> e : byColumn.entrySet()) {
            StringBuilder sb = new StringBuilder("table '").append(table).append("': column '").append(e.getKey())
                    .append("' does not come back after the mapping and its reverse");
            example(sb, e.getValue());
            sb.append("; fix the mapping, or accept the loss with LossyReverse.ACCEPT");
            out.add(sb.toString());
        }
        return Collections.unmodifiableList(out);
    }

    private void example(StringBuilder sb, List<Difference> diffs) {
        Difference d = diffs.get(0);
        sb.append(": differs in ").append(diffs.size()).append(" of ").append(rowsChecked).append(" sample rows, e.g. ")
                .append(d);
    }

    /**
     * How a column differs after the round trip.
     *
     * <p>Thread safety: an enum, immutable.
     */
    public enum Change {
        /** The column came back with another value. */
        CHANGED,
        /** The column did not come back at all. */
        MISSING,
        /** A column the sample row did not have came back. */
        EXTRA
    }

    /**
     * One value that did not come back.
     *
     * <p>Thread safety: an immutable record (the values are the rows' own).
     *
     * @param row the sample row's position, from 1
     * @param key the row's key (source key columns to values); empty when the mapping declares none
     * @param column the source column
     * @param change how it differs
     * @param expected the value in the sample row; null when {@link Change#EXTRA}
     * @param actual the value after the mapping and its reverse; null when {@link Change#MISSING}
     * @param keyOnly true when found mapping the row's key alone, as a delete does
     */
    public record Difference(int row, Map<String, Object> key, String column, Change change, Object expected,
                             Object actual, boolean keyOnly) {

        /**
         * Validates and copies.
         *
         * @param row see the record component
         * @param key see the record component
         * @param column see the record component
         * @param change see the record component
         * @param expected see the record component
         * @param actual see the record component
         * @param keyOnly see the record component
         * @throws NullPointerException if key, column or change is null
         */
        public Difference {
            key = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(key, "key")));
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(change, "change");
        }

        /**
         * Describes the difference, with values shortened.
         *
         * @return for example {@code row 3 key {id=3}: '007' came back as '7'}
         */
        @Override
        public String toString() {
            String where = "row " + row + (key.isEmpty() ? "" : " key " + key) + (keyOnly ? " (key only, as a delete)" : "");
            return where + ": " + switch (change) {
                case CHANGED -> Values.show(expected) + " came back as " + Values.show(actual);
                case MISSING -> Values.show(expected) + " did not come back (column left out)";
                case EXTRA -> "column came back with " + Values.show(actual) + " but the sample row has no such column";
            };
        }
    }
}
