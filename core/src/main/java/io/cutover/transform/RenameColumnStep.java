package io.cutover.transform;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Renames a column in place; applies to key-only rows too. Its reverse swaps the names. */
final class RenameColumnStep implements Step {
    private final String from;
    private final String to;

    RenameColumnStep(String from, String to) {
        this.from = from;
        this.to = to;
    }

    @Override
    public void apply(WorkingRow row) {
        if (row.require(from)) {
            row.requireAbsent(to);
            row.replace(from, Collections.singletonMap(to, row.get(from)));
        }
    }

    @Override
    public void trace(Shape shape) {
        if (shape.require(from)) {
            shape.requireAbsent(to);
            shape.replace(from, Map.of(to, shape.get(from)));
        }
    }

    @Override
    public String noReverse() {
        return null;
    }

    @Override
    public Step reverse() {
        return new RenameColumnStep(to, from);
    }

    @Override
    public List<LossyColumn> loss() {
        return List.of();
    }

    @Override
    public String describe() {
        return "renameColumn(" + from + " -> " + to + ")";
    }
}
