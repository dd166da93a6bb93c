package io.cutover.transform;

import io.cutover.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** A {@link TableMapping} that runs a list of steps over a working copy of the row. Immutable. */
final class StepChainMapping implements TableMapping {
    private final String sourceTable;
    private final String targetTable;
    private final List<Step> steps;
    private final List<String> sourceKey;

    StepChainMapping(String sourceTable, List<Step> steps, List<String> sourceKey) {
        this.sourceTable = sourceTable;
        this.steps = List.copyOf(steps);
        this.sourceKey = List.copyOf(sourceKey);
        String target = sourceTable;
        for (Step s : this.steps) {
            if (s instanceof RenameTableStep r) {
                target = r.to();
            }
        }
        this.targetTable = target;
        if (!this.sourceKey.isEmpty()) {
            targetKey(this.sourceKey); // fails early when the key cannot be mapped
        }
    }

    @Override
    public String sourceTable() {
        return sourceTable;
    }

    @Override
    public String targetTable() {
        return targetTable;
    }

    @Override
    public List<String> sourceKey() {
        return sourceKey;
    }

    @Override
    public TableMapping withSourceKey(List<String> key) {
        return new StepChainMapping(sourceTable, steps, validKey(key, "key"));
    }

    @Override
    public Row apply(Row row) {
        Objects.requireNonNull(row, "row");
        boolean keyOnly = !sourceKey.isEmpty() && !row.values().isEmpty()
                && sourceKey.containsAll(row.values().keySet());
        return run(row, keyOnly);
    }

    @Override
    public Row applyToKey(Row keyRow) {
        Objects.requireNonNull(keyRow, "keyRow");
        if (!sourceKey.isEmpty() && !sourceKey.containsAll(keyRow.values().keySet())) {
            Set<String> extra = new LinkedHashSet<>(keyRow.values().keySet());
            extra.removeAll(sourceKey);
            throw new IllegalArgumentException("mapping of table '" + sourceTable + "': key row has columns " + extra
                    + " that are not in the key " + sourceKey);
        }
        return run(keyRow, true);
    }

    private Row run(Row row, boolean keyOnly) {
        if (!row.table().equals(sourceTable)) {
            throw new IllegalArgumentException("mapping of table '" + sourceTable + "' was given a row of table '"
                    + row.table() + "'; pick the mapping by the row's table");
        }
        Map<String, Object> key = new LinkedHashMap<>();
        for (String k : sourceKey) {
            if (row.values().containsKey(k)) {
                key.put(k, row.get(k));
            }
        }
        WorkingRow working = new WorkingRow(sourceTable, row, key, keyOnly);
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            working.step("#" + (i + 1) + " " + step.describe());
            step.apply(working);
        }
        return working.toRow();
    }

    @Override
    public List<String> targetKey(List<String> sourceKey) {
        List<String> key = validKey(sourceKey, "sourceKey");
        Map<String, Shape.Col> cols = new LinkedHashMap<>();
        for (String k : key) {
            cols.put(k, new Shape.Col(TypeFamily.OTHER, Boolean.FALSE, "key column '" + k + "'", true));
        }
        Shape shape = trace(new Shape(sourceTable, cols, true));
        if (!shape.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", shape.problems()));
        }
        List<String> out = new ArrayList<>();
        shape.columns().forEach((name, col) -> {
            if (col.key()) {
                out.add(name);
            }
        });
        return Collections.unmodifiableList(out);
    }

    /** Walks the steps over a shape, labelling each problem with its step. */
    Shape trace(Shape shape) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            shape.step("#" + (i + 1) + " " + step.describe());
            step.trace(shape);
        }
        return shape;
    }

    @Override
    public boolean hasReverse() {
        return noReverse().isEmpty();
    }

    private List<String> noReverse() {
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String why = steps.get(i).noReverse();
            if (why != null) {
                reasons.add("step #" + (i + 1) + " " + why);
            }
        }
        return reasons;
    }

    @Override
    public TableMapping reverse() {
        List<String> reasons = noReverse();
        if (!reasons.isEmpty()) {
            throw new IllegalStateException("mapping of table '" + sourceTable + "' has no reverse: "
                    + String.join("; ", reasons));
        }
        List<Step> back = new ArrayList<>(steps.size());
        for (int i = steps.size() - 1; i >= 0; i--) {
            back.add(steps.get(i).reverse());
        }
        return new StepChainMapping(targetTable, back, sourceKey.isEmpty() ? List.of() : targetKey(sourceKey));
    }

    @Override
    public List<LossyColumn> lossyColumns() {
        List<LossyColumn> out = new ArrayList<>();
        for (Step s : steps) {
            out.addAll(s.loss());
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public boolean isReverseLossless() {
        return hasReverse() && lossyColumns().isEmpty();
    }

    @Override
    public List<String> steps() {
        List<String> out = new ArrayList<>(steps.size());
        for (Step s : steps) {
            out.add(s.describe());
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return "TableMapping[" + sourceTable + " -> " + targetTable + (sourceKey.isEmpty() ? "" : ", key " + sourceKey)
                + ": " + String.join(", ", steps()) + "]";
    }

    private static List<String> validKey(List<String> key, String field) {
        Objects.requireNonNull(key, field);
        if (key.isEmpty()) {
            throw new IllegalArgumentException(field + " is empty");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String k : key) {
            Objects.requireNonNull(k, field + " column");
            if (!seen.add(k)) {
                throw new IllegalArgumentException(field + " repeats column '" + k + "'");
            }
        }
        return List.copyOf(key);
    }
}
