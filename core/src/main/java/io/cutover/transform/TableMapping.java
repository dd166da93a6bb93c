package io.cutover.transform;

import io.cutover.Row;
import io.cutover.RowTransform;
import java.util.List;

/**
 * The mapping of one table from the source's schema to the target's, built from declarative steps
 * with {@link Transforms#forTable(String)}: a {@link RowTransform} the replication stream applies
 * to every change of the table, that also knows its reverse, whether that reverse loses data, and
 * where the key columns go.
 *
 * <p><b>Deletes.</b> The stream passes a delete's key columns only. When the mapping knows the
 * source key ({@link TableMappingBuilder#key}, or {@link #withSourceKey}), a row holding nothing
 * but key columns is mapped as a key: renames, splits, merges and conversions apply, added columns
 * are not invented. Without a declared key every row is taken as a full row; call
 * {@link #applyToKey(Row)} for deletes instead. A table whose every column is in the key cannot be
 * told apart this way: its inserts look like deletes, so added columns are not filled; map such a
 * table without a declared key and call {@code applyToKey} for its deletes.
 *
 * <p>Thread safety: immutable; {@code apply} may be called from many threads at once, provided the
 * user functions given to the builder are pure, as they must be.
 */
public interface TableMapping extends RowTransform {

    /**
     * Returns the table this mapping reads.
     *
     * @return the source table's name
     */
    String sourceTable();

    /**
     * Returns the table this mapping writes.
     *
     * @return the target table's name (the source's unless renamed)
     */
    String targetTable();

    /**
     * Returns the source key the mapping was told about.
     *
     * @return the key columns in key order; empty when not declared
     */
    List<String> sourceKey();

    /**
     * Returns this mapping with the source key declared, for example from the source table's
     * primary key as the dialect reads it.
     *
     * @param key the source key's columns in key order; not empty
     * @return a mapping equal to this one but for the key
     * @throws NullPointerException if key or an element is null
     * @throws IllegalArgumentException if key is empty, repeats a column, or cannot be mapped
     *     (a step drops a key column, or merges one with a non-key column)
     */
    TableMapping withSourceKey(List<String> key);

    /**
     * Maps one row: the full row of an insert or an update, or a delete's key (see the type's
     * description).
     *
     * @param row a row of {@link #sourceTable()}
     * @return the row for {@link #targetTable()}
     * @throws NullPointerException if row is null
     * @throws IllegalArgumentException if the row is of another table
     * @throws RowTransformException if a step fails on the row; the message names the table, the
     *     step, the column, the value and the row's key
     */
    @Override
    Row apply(Row row);

    /**
     * Maps a delete's key-only row, whatever the declared key: steps that need non-key columns
     * (adding a column) are skipped.
     *
     * @param keyRow the key columns of a row of {@link #sourceTable()}
     * @return the target's key columns
     * @throws NullPointerException if keyRow is null
     * @throws IllegalArgumentException if the row is of another table, or holds a column that is
     *     not in the declared key
     * @throws RowTransformException if a step fails on the row
     */
    Row applyToKey(Row keyRow);

    /**
     * Maps key column names: which target columns the given source key columns become.
     *
     * @param sourceKey the source's key columns, in key order; not empty
     * @return the target's key columns, in the order the steps leave them
     * @throws NullPointerException if sourceKey or an element is null
     * @throws IllegalArgumentException if sourceKey is empty, or a step drops a key column, or
     *     merges one with a non-key column
     */
    List<String> targetKey(List<String> sourceKey);

    /**
     * Tells whether every step has a reverse (declarative steps derive it; a custom step needs
     * its reverse given, a one-way conversion or split has none).
     *
     * @return true when {@link #reverse()} succeeds
     */
    boolean hasReverse();

    /**
     * Returns the mapping back, from {@link #targetTable()} to {@link #sourceTable()}: the steps'
     * reverses in reverse order, with the source key mapped if one was declared.
     *
     * @return the reverse mapping, for the reverse stream (target to source after the flip)
     * @throws IllegalStateException if a step has no reverse; the message names each such step
     *     and how to give one
     */
    TableMapping reverse();

    /**
     * Returns the columns the reverse cannot give back after this mapping, by construction (a
     * dropped column, a conversion with a fallback). The round-trip check adds what it measures.
     *
     * @return the lossy columns with why, in step order; empty when none
     */
    List<LossyColumn> lossyColumns();

    /**
     * Tells whether this mapping followed by its reverse gives back every row, as far as the steps
     * show (user functions are taken at their word; the round-trip check measures them).
     *
     * @return true when there is a reverse and no lossy column
     */
    boolean isReverseLossless();

    /**
     * Describes the steps, for logs and reports.
     *
     * @return one line per step, in order, for example {@code renameColumn(name -> full_name)}
     */
    List<String> steps();
}
