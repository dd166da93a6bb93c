package io.cutover.transform;

import java.util.List;

/**
 * One declarative step of a {@link TableMapping}. Steps are immutable and their functions pure, so
 * a chain of them is safe to share between threads.
 */
interface Step {

    /** Maps the row in place; a key-only row (a delete's key) skips what needs non-key columns. */
    void apply(WorkingRow row);

    /** Walks the columns without values, recording problems (schema check) or key columns. */
    void trace(Shape shape);

    /** Null when the step has a reverse, else why not and how to give one. */
    String noReverse();

    /** The step that undoes this one. Only called when {@link #noReverse()} is null. */
    Step reverse();

    /** Columns that applying this step and then its reverse may not give back. */
    List<LossyColumn> loss();

    /** How messages name the step, for example {@code renameColumn(name -> full_name)}. */
    String describe();
}
