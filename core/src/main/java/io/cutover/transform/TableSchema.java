package io.cutover.transform;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The real schema of one table, as a dialect reads it from the database's information_schema:
 * its columns and its primary key. The schema check compares a {@link TableMapping} with the
 * source's and the target's {@code TableSchema}.
 *
 * <p>Thread safety: an immutable record.
 *
 * @param name the table's name, as the mapping names it
 * @param columns the columns in table order; copied, not empty, names unique
 * @param primaryKey the primary key's columns in key order; copied, each one of {@code columns};
 *     empty when the table has none
 */
public record TableSchema(String name, List<Column> columns, List<String> primaryKey) {

    /**
     * Validates and copies.
     *
     * @param name see the record component
     * @param columns see the record component
     * @param primaryKey see the record component
     * @throws NullPointerException if any argument or element is null
     * @throws IllegalArgumentException if there is no column, a column name repeats, or a key
     *     column is not a column
     */
    public TableSchema {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        primaryKey = List.copyOf(Objects.requireNonNull(primaryKey, "primaryKey"));
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table '" + name + "': columns is empty");
        }
        Set<String> seen = new HashSet<>();
        for (Column c : columns) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("table '" + name + "': column '" + c.name() + "' appears twice");
            }
        }
        for (String k : primaryKey) {
            if (!seen.contains(k)) {
                throw new IllegalArgumentException("table '" + name + "': primary key column '" + k
                        + "' is not one of its columns " + seen);
            }
        }
    }

    /**
     * Returns a column by exact name.
     *
     * @param column the name
     * @return the column, or empty when the table has none of that name
     */
    public Optional<Column> column(String column) {
        for (Column c : columns) {
            if (c.name().equals(column)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * One column of a table.
     *
     * <p>Thread safety: an immutable record.
     *
     * @param name the column's name
     * @param typeName the SQL type as information_schema reports it, for example {@code "varchar"}
     * @param nullable whether the column accepts NULL
     * @param hasDefault whether the column has a default (including identity / AUTO_INCREMENT)
     */
    public record Column(String name, String typeName, boolean nullable, boolean hasDefault) {

        /**
         * Validates.
         *
         * @param name see the record component
         * @param typeName see the record component
         * @param nullable see the record component
         * @param hasDefault see the record component
         * @throws NullPointerException if name or typeName is null
         * @throws IllegalArgumentException if name is blank
         */
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(typeName, "typeName");
            if (name.isBlank()) {
                throw new IllegalArgumentException("column name is blank");
            }
        }

        /**
         * Returns the column type's coarse family.
         *
         * @return {@link TypeFamily#ofSqlType(String)} of the type name
         */
        public TypeFamily family() {
            return TypeFamily.ofSqlType(typeName);
        }
    }
}
