package io.cutover.transform;

import io.cutover.PreflightException;
import io.cutover.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A {@link Catalog} over a JDBC DataSource: schemas from {@link JdbcSchemas}, sample rows from
 * {@link JdbcSamples}, one short-lived connection per call. Thread-safe.
 */
final class JdbcCatalog implements Catalog {
    private final DataSource dataSource;
    private final String schema;
    private final String label;

    JdbcCatalog(DataSource dataSource, String schema, String label) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = schema;
        this.label = Objects.requireNonNull(label, "label");
    }

    @Override
    public Map<String, TableSchema> tables(Collection<String> tables) {
        try (Connection c = dataSource.getConnection()) {
            return JdbcSchemas.read(c, schema, tables);
        } catch (SQLException e) {
            throw new PreflightException(label + ": could not read the schema of tables " + tables + ": "
                    + e.getMessage() + "; check that " + label + " is reachable and the user may read its catalog", e);
        }
    }

    @Override
    public List<Row> sample(TableSchema table, int limit) {
        try (Connection c = dataSource.getConnection()) {
            return JdbcSamples.read(c, JdbcSchemas.Where.of(c, schema), table, limit);
        } catch (SQLException e) {
            throw new PreflightException(label + ": could not read sample rows of table '" + table.name() + "': "
                    + e.getMessage() + "; grant SELECT on it to the user the check connects as", e);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
