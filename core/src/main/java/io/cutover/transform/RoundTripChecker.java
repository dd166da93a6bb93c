package io.cutover.transform;

import io.cutover.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Maps sample rows forward then back and compares. Stateless. */
final class RoundTripChecker {
    private RoundTripChecker() {
    }

    static RoundTripReport run(TableMapping mapping, Iterable<Row> samples, boolean accept) {
        String table = mapping.sourceTable();
        List<String> failures = new ArrayList<>();
        List<RoundTripReport.Difference> diffs = new ArrayList<>();
        TableMapping reverse;
        try {
            reverse = mapping.reverse();
        } catch (IllegalStateException e) {
            failures.add(e.getMessage());
            return new RoundTripReport(table, 0, diffs, failures, mapping.lossyColumns(), false);
        }
        List<String> key = mapping.sourceKey();
        int n = 0;
        for (Row row : samples) {
            n++;
            Map<String, Object> rowKey = new LinkedHashMap<>();
            for (String k : key) {
                rowKey.put(k, row.get(k));
            }
            compare(n, rowKey, row, roundTrip(mapping, reverse, row, false, n, failures), false, diffs);
            if (!key.isEmpty() && row.values().keySet().containsAll(key)
                    && !key.containsAll(row.values().keySet())) {
                Row keyRow = new Row(row.table(), rowKey);
                compare(n, rowKey, keyRow, roundTrip(mapping, reverse, keyRow, true, n, failures), true, diffs);
            }
        }
        Set<String> declared = new LinkedHashSet<>();
        List<LossyColumn> lossy = new ArrayList<>(mapping.lossyColumns());
        lossy.forEach(l -> declared.add(l.column()));
        Map<String, Integer> measured = new LinkedHashMap<>();
        for (RoundTripReport.Difference d : diffs) {
            measured.merge(d.column(), 1, Integer::sum);
        }
        final int rows = n;
        measured.forEach((column, count) -> {
            if (declared.add(column)) {
                lossy.add(new LossyColumn(column, "differs after the mapping and its reverse in " + count
                        + " of " + rows + " sample rows"));
            }
        });
        boolean lossyAccepted = accept && !lossy.isEmpty() && failures.isEmpty();
        return new RoundTripReport(table, n, diffs, failures, lossy, lossyAccepted);
    }

    private static Row roundTrip(TableMapping mapping, TableMapping reverse, Row row, boolean keyOnly, int n,
                                 List<String> failures) {
        String what = keyOnly ? "the key of sample row " + n : "sample row " + n;
        if (!row.table().equals(mapping.sourceTable())) {
            failures.add("table '" + mapping.sourceTable() + "': " + what + " is of table '" + row.table()
                    + "'; sample the mapping's own source table");
            return null;
        }
        Row forward;
        try {
            forward = mapping.apply(row);
        } catch (RuntimeException e) {
            failures.add("table '" + mapping.sourceTable() + "': " + what + " does not map forward: " + e.getMessage());
            return null;
        }
        try {
            return reverse.apply(forward);
        } catch (RuntimeException e) {
            failures.add("table '" + mapping.sourceTable() + "': " + what + " does not map back: " + e.getMessage());
            return null;
        }
    }

    private static void compare(int n, Map<String, Object> key, Row expected, Row actual, boolean keyOnly,
                                List<RoundTripReport.Difference> diffs) {
        if (actual == null) {
            return; // already a failure
        }
        if (!actual.table().equals(expected.table())) {
            diffs.add(new RoundTripReport.Difference(n, key, "(table name)", RoundTripReport.Change.CHANGED,
                    expected.table(), actual.table(), keyOnly));
        }
        for (Map.Entry<String, Object> e : expected.values().entrySet()) {
            Object back = actual.get(e.getKey());
            if (!actual.values().containsKey(e.getKey())) {
                diffs.add(new RoundTripReport.Difference(n, key, e.getKey(), RoundTripReport.Change.MISSING,
                        e.getValue(), null, keyOnly));
            } else if (!Values.same(e.getValue(), back)) {
                diffs.add(new RoundTripReport.Difference(n, key, e.getKey(), RoundTripReport.Change.CHANGED,
                        e.getValue(), back, keyOnly));
            }
        }
        for (Map.Entry<String, Object> e : actual.values().entrySet()) {
            if (!expected.values().containsKey(e.getKey())) {
                diffs.add(new RoundTripReport.Difference(n, key, e.getKey(), RoundTripReport.Change.EXTRA,
                        null, e.getValue(), keyOnly));
            }
        }
    }
}
