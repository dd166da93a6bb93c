package io.cutover.transform;

import java.util.List;

/** Renames the table; its own reverse with the names swapped. */
final class RenameTableStep implements Step {
    private final String from;
    private final String to;

    RenameTableStep(String from, String to) {
        this.from = from;
        this.to = to;
    }

    String to() {
        return to;
    }

    @Override
    public void apply(WorkingRow row) {
        row.table(to);
    }

    @Override
    public void trace(Shape shape) {
        shape.table(to);
    }

    @Override
    public String noReverse() {
        return null;
    }

    @Override
    public Step reverse() {
        return new RenameTableStep(to, from);
    }

    @Override
    public List<LossyColumn> loss() {
        return List.of();
    }

    @Override
    public String describe() {
        return "renameTable(" + from + " -> " + to + ")";
    }
}
