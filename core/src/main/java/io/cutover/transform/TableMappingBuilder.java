package io.cutover.transform;

import io.cutover.Row;
import io.cutover.RowTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a {@link TableMapping} from declarative steps, applied in the order they are added.
 * Obtained from {@link Transforms#forTable(String)}. Each method validates its arguments at once
 * ({@code NullPointerException} naming the field, {@code IllegalArgumentException} for a bad
 * value) and the steps against each other ({@code IllegalStateException}, for example renaming a
 * column an earlier step dropped); {@link #build()} checks again and copies.
 *
 * <p>Every step derives its reverse, except where noted: a {@link #custom custom} step needs its
 * reverse given, a one-way {@link Conversion} or {@link ColumnSplit} has none, and a
 * {@link #dropColumn dropped} column makes the reverse lossy.
 *
 * <p>Thread safety: not thread-safe; build on one thread. The built mapping is immutable.
 */
public final class TableMappingBuilder {
    private final String sourceTable;
    private final List<Step> steps = new ArrayList<>();
    // Columns that earlier steps made disappear, with how; columns they created, with how.
    private final Map<String, String> gone = new HashMap<>();
    private final Map<String, String> created = new HashMap<>();
    private List<String> key = List.of();
    private String targetTable;

    TableMappingBuilder(String sourceTable) {
        this.sourceTable = name(sourceTable, "table");
    }

    /**
     * Declares the source table's key columns, so that a delete's key-only row is recognised and
     * mapped as a key. Usually the primary key; an orchestrator may instead call
     * {@link TableMapping#withSourceKey} with the key it reads from the database.
     *
     * @param columns the key's columns in key order; not empty
     * @return this builder
     * @throws NullPointerException if columns or an element is null
     * @throws IllegalArgumentException if no column is given, one is blank or repeats
     * @throws IllegalStateException if the key was already declared
     */
    public TableMappingBuilder key(String... columns) {
        Objects.requireNonNull(columns, "columns");
        if (!key.isEmpty()) {
            throw new IllegalStateException("mapping of table '" + sourceTable + "': key already declared as " + key);
        }
        if (columns.length == 0) {
            throw new IllegalArgumentException("mapping of table '" + sourceTable + "': key has no column");
        }
        List<String> k = new ArrayList<>();
        for (String c : columns) {
            String n = name(c, "key column");
            if (k.contains(n)) {
                throw new IllegalArgumentException("mapping of table '" + sourceTable + "': key repeats column '" + n + "'");
            }
            k.add(n);
        }
        key = List.copyOf(k);
        return this;
    }

    /**
     * Renames the table: rows are written to {@code to}. Reverse: rename back.
     *
     * @param to the target table's name
     * @return this builder
     * @throws NullPointerException if to is null
     * @throws IllegalArgumentException if to is blank or the source table's name
     * @throws IllegalStateException if the table was already renamed
     */
    public TableMappingBuilder renameTable(String to) {
        name(to, "to");
        if (targetTable != null) {
            throw new IllegalStateException("mapping of table '" + sourceTable + "': table already renamed to '"
                    + targetTable + "'");
        }
        if (to.equals(sourceTable)) {
            throw new IllegalArgumentException("mapping of table '" + sourceTable + "': renameTable to its own name");
        }
        targetTable = to;
        return add(new RenameTableStep(sourceTable, to));
    }

    /**
     * Renames a column, in place; applies to key columns too. Reverse: rename back.
     *
     * @param from the column's name at this step
     * @param to its new name
     * @return this builder
     * @throws NullPointerException if from or to is null
     * @throws IllegalArgumentException if a name is blank, or they are equal
     * @throws IllegalStateException if an earlier step removed {@code from} or created {@code to}
     */
    public TableMappingBuilder renameColumn(String from, String to) {
        name(from, "from");
        name(to, "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException(where() + "renameColumn from and to are both '" + from + "'");
        }
        uses(from);
        creates(to, "renamed from '" + from + "'");
        removes(from, "renamed to '" + to + "'");
        return add(new RenameColumnStep(from, to));
    }

    /**
     * Adds a column with a constant value, at the end of the row. Not added to a delete's key.
     * Reverse: drop it (lossless: the source never had it).
     *
     * @param column the new column's name
     * @param value its value for every row; may be null
     * @return this builder
     * @throws NullPointerException if column is null
     * @throws IllegalArgumentException if column is blank
     * @throws IllegalStateException if an earlier step created a column of that name
     */
    public TableMappingBuilder addColumn(String column, Object value) {
        name(column, "column");
        creates(column, "added");
        return add(new AddColumnStep(column, row -> value, TypeFamily.ofValue(value), value == null,
                Values.show(value)));
    }

    /**
     * Adds a column whose value is computed from the row as it is at this step, at the end of the
     * row. Not added to a delete's key. Reverse: drop it.
     *
     * @param column the new column's name
     * @param value row to value; must be pure and handle null values; may return null
     * @return this builder
     * @throws NullPointerException if column or value is null
     * @throws IllegalArgumentException if column is blank
     * @throws IllegalStateException if an earlier step created a column of that name
     */
    public TableMappingBuilder addComputedColumn(String column, Function<? super Row, ?> value) {
        name(column, "column");
        Objects.requireNonNull(value, "value");
        creates(column, "added");
        return add(new AddColumnStep(column, value, TypeFamily.OTHER, null, "a computed value"));
    }

    /**
     * Drops a column (from a delete's key too, which {@link TableMapping#targetKey} refuses for a
     * key column). Reverse: leave the column out, so the source's default fills it on insert.
     * <b>Lossy</b>: the reverse cannot give the value back.
     *
     * @param column the column's name at this step
     * @return this builder
     * @throws NullPointerException if column is null
     * @throws IllegalArgumentException if column is blank
     * @throws IllegalStateException if an earlier step removed the column
     */
    public TableMappingBuilder dropColumn(String column) {
        name(column, "column");
        uses(column);
        removes(column, "dropped");
        return add(new DropColumnStep(column, null, TypeFamily.OTHER, null, "nothing"));
    }

    /**
     * Drops a column; the reverse writes it back with a value computed from the (reversed) row.
     * Still <b>lossy</b>: that value is not the original, unless the function happens to give it.
     *
     * @param column the column's name at this step
     * @param restore row (as the reverse has it at that step) to the value the reverse writes
     * @return this builder
     * @throws NullPointerException if column or restore is null
     * @throws IllegalArgumentException if column is blank
     * @throws IllegalStateException if an earlier step removed the column
     */
    public TableMappingBuilder dropColumn(String column, Function<? super Row, ?> restore) {
        name(column, "column");
        Objects.requireNonNull(restore, "restore");
        uses(column);
        removes(column, "dropped");
        return add(new DropColumnStep(column, restore, TypeFamily.OTHER, null, "a restore value"));
    }

    /**
     * Splits one column into two, in its place; a split key column gives two key columns.
     * Reverse: merge them with the same {@link ColumnSplit}, if it can merge.
     *
     * @param column the column's name at this step
     * @param first the first part's column (may be {@code column} itself)
     * @param second the second part's column
     * @param split how to split, and merge back
     * @return this builder
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if a name is blank, first equals second, or the split
     *     cannot split
     * @throws IllegalStateException if an earlier step removed {@code column} or created a part
     */
    public TableMappingBuilder splitColumn(String column, String first, String second, ColumnSplit split) {
        name(column, "column");
        name(first, "first");
        name(second, "second");
        Objects.requireNonNull(split, "split");
        if (first.equals(second)) {
            throw new IllegalArgumentException(where() + "splitColumn parts are both '" + first + "'");
        }
        if (!split.canSplit()) {
            throw new IllegalArgumentException(where() + "splitColumn(" + column + ") was given a ColumnSplit"
                    + " that cannot split (made with mergeOnly)");
        }
        uses(column);
        removes(column, "split into '" + first + "' and '" + second + "'");
        creates(first, "split from '" + column + "'");
        creates(second, "split from '" + column + "'");
        return add(new SplitColumnStep(column, first, second, split));
    }

    /**
     * Merges two columns into one, at the first one's place. Reverse: split with the same
     * {@link ColumnSplit}, if it can split.
     *
     * @param first the first part's column at this step
     * @param second the second part's column at this step
     * @param into the merged column (may be {@code first} or {@code second})
     * @param split how to merge, and split back
     * @return this builder
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if a name is blank, first equals second, or the split
     *     cannot merge
     * @throws IllegalStateException if an earlier step removed a part or created {@code into}
     */
    public TableMappingBuilder mergeColumns(String first, String second, String into, ColumnSplit split) {
        name(first, "first");
        name(second, "second");
        name(into, "into");
        Objects.requireNonNull(split, "split");
        if (first.equals(second)) {
            throw new IllegalArgumentException(where() + "mergeColumns parts are both '" + first + "'");
        }
        if (!split.canMerge()) {
            throw new IllegalArgumentException(where() + "mergeColumns(" + first + ", " + second
                    + ") was given a ColumnSplit that cannot merge (made with splitOnly)");
        }
        uses(first);
        uses(second);
        removes(first, "merged into '" + into + "'");
        removes(second, "merged into '" + into + "'");
        creates(into, "merged from '" + first + "' and '" + second + "'");
        return add(new MergeColumnsStep(first, second, into, split));
    }

    /**
     * Converts a column's values; a value that does not convert fails the row with a
     * {@link RowTransformException} naming the table, column, value and key. Reverse: convert
     * back, if the conversion is reversible.
     *
     * @param column the column's name at this step
     * @param conversion the conversion
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if column is blank
     * @throws IllegalStateException if an earlier step removed the column
     */
    public TableMappingBuilder convertColumn(String column, Conversion conversion) {
        return convertColumn(column, conversion, OnFailure.fail());
    }

    /**
     * Converts a column's values, with what to do when one does not convert. A fallback other
     * than {@link OnFailure#fail()} makes the column <b>lossy</b>. Reverse: convert back (failing on
     * error), if the conversion is reversible.
     *
     * @param column the column's name at this step
     * @param conversion the conversion
     * @param onFailure what to write instead of a value that does not convert
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if column is blank
     * @throws IllegalStateException if an earlier step removed the column
     */
    public TableMappingBuilder convertColumn(String column, Conversion conversion, OnFailure onFailure) {
        name(column, "column");
        Objects.requireNonNull(conversion, "conversion");
        Objects.requireNonNull(onFailure, "onFailure");
        uses(column);
        return add(new ConvertColumnStep(column, conversion, onFailure));
    }

    /**
     * Adds a step written as a function, with no reverse: {@link TableMapping#reverse()} then
     * fails, naming this step. The function also receives a delete's key-only row.
     *
     * @param description what it does, for messages
     * @param forward the function; must be pure and return a row
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if description is blank
     */
    public TableMappingBuilder custom(String description, RowTransform forward) {
        name(description, "description");
        Objects.requireNonNull(forward, "forward");
        gone.clear(); // after an opaque step, nothing is known about the columns
        created.clear();
        return add(new CustomStep(description, forward, null));
    }

    /**
     * Adds a step written as a function, with its reverse. The schema check cannot see inside it
     * and checks the following steps and the columns less strictly; the round-trip check
     * measures it.
     *
     * @param description what it does, for messages
     * @param forward the function; must be pure and return a row
     * @param reverse the function undoing it; must be pure and return a row
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if description is blank
     */
    public TableMappingBuilder custom(String description, RowTransform forward, RowTransform reverse) {
        name(description, "description");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(reverse, "reverse");
        gone.clear(); // after an opaque step, nothing is known about the columns
        created.clear();
        return add(new CustomStep(description, forward, reverse));
    }

    /**
     * Builds the mapping.
     *
     * @return an immutable mapping with the steps so far; with no step, the identity
     * @throws IllegalStateException if the declared key cannot be mapped (a step drops a key
     *     column, or merges one with a non-key column)
     */
    public TableMapping build() {
        try {
            return new StepChainMapping(sourceTable, steps, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private TableMappingBuilder add(Step step) {
        steps.add(step);
        return this;
    }

    private void uses(String column) {
        String how = gone.get(column);
        if (how != null) {
            throw new IllegalStateException(where() + "column '" + column + "' no longer exists at step #"
                    + (steps.size() + 1) + ": it was " + how + "; use its new name");
        }
    }

    private void removes(String column, String how) {
        created.remove(column);
        gone.put(column, how + " by step #" + (steps.size() + 1));
    }

    private void creates(String column, String how) {
        String earlier = created.get(column);
        if (earlier != null) {
            throw new IllegalStateException(where() + "column '" + column + "' already exists at step #"
                    + (steps.size() + 1) + ": it was " + earlier);
        }
        gone.remove(column);
        created.put(column, how + " by step #" + (steps.size() + 1));
    }

    private String where() {
        return "mapping of table '" + sourceTable + "': ";
    }

    private static String name(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
        return value;
    }
}
