package io.cutover.transform;

import io.cutover.Row;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where a {@link MappingCheck} reads real schemas and sample rows: a database through JDBC
 * ({@link JdbcCatalog}) or, in unit tests, tables held in memory. Implementations are thread-safe.
 */
interface Catalog {

    /**
     * Reads the schemas of tables.
     *
     * @param tables unqualified names
     * @return name to schema, only for the tables that exist
     * @throws io.cutover.PreflightException if the database cannot be read
     */
    Map<String, TableSchema> tables(Collection<String> tables);

    /**
     * Reads up to {@code limit} rows of a table, as a change stream would deliver them.
     *
     * @param table the table's schema, as {@link #tables} returned it
     * @param limit the most rows to read, positive
     * @return the rows
     * @throws io.cutover.PreflightException if the rows cannot be read
     */
    List<Row> sample(TableSchema table, int limit);
}
