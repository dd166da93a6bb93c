package io.cutover.mysql;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The SQL the MySQL family applies changes with. An upsert is
 * {@code INSERT … ON DUPLICATE KEY UPDATE c = VALUES(c)}: MariaDB has no {@code AS new} row alias,
 * and MySQL 8 still accepts {@code VALUES(c)} (deprecated, not removed), so one form serves both.
 * Stateless; thread-safe.
 */
final class MySqlSql {
    private MySqlSql() {
    }

    /**
     * Quotes an identifier with backticks, doubling any backtick inside.
     *
     * @param identifier the table or column name
     * @return the quoted identifier
     */
    static String quote(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        return "`" + identifier.replace("`", "``") + "`";
    }

    /**
     * Returns the upsert for one row of a table.
     *
     * @param database the schema
     * @param table the table
     * @param columns every column written, in bind order
     * @param keys the primary key columns (a subset of columns)
     * @return the statement, with one {@code ?} per column
     * @throws IllegalArgumentException if columns is empty or keys are not among the columns
     */
    static String upsert(String database, String table, List<String> columns, List<String> keys) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("upsert into " + table + " needs at least one column");
        }
        if (!columns.containsAll(keys) || keys.isEmpty()) {
            throw new IllegalArgumentException("upsert into " + table + ": key " + keys + " must be among " + columns);
        }
        String cols = columns.stream().map(MySqlSql::quote).collect(Collectors.joining(", "));
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        List<String> nonKeys = columns.stream().filter(c -> !keys.contains(c)).toList();
        // A table that is all key still needs an update clause; assigning a key to itself is a no-op.
        List<String> updated = nonKeys.isEmpty() ? List.of(keys.get(0)) : nonKeys;
        String sets = updated.stream().map(c -> quote(c) + " = VALUES(" + quote(c) + ")")
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + qualified(database, table) + " (" + cols + ") VALUES (" + marks
                + ") ON DUPLICATE KEY UPDATE " + sets;
    }

    /**
     * Returns the delete by primary key.
     *
     * @param database the schema
     * @param table the table
     * @param keys the primary key columns, in bind order
     * @return the statement, with one {@code ?} per key column
     * @throws IllegalArgumentException if keys is empty
     */
    static String delete(String database, String table, List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("delete from " + table + " needs a primary key");
        }
        return "DELETE FROM " + qualified(database, table) + " WHERE "
                + keys.stream().map(k -> quote(k) + " = ?").collect(Collectors.joining(" AND "));
    }

    /**
     * Returns {@code `database`.`table`}.
     *
     * @param database the schema
     * @param table the table
     * @return the qualified name
     */
    static String qualified(String database, String table) {
        return quote(database) + "." + quote(table);
    }
}
