package io.cutover.spi;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads one column of a JDBC result as the plain Java value a change stream hands a
 * {@link io.cutover.RowTransform} for it, so that a verifier passes the transform the same values
 * the stream does. A dialect supplies its own (the one its initial copy uses); {@link #JDBC}
 * serves any database. Implementations are stateless and thread-safe.
 */
@FunctionalInterface
public interface ColumnValues {

    /** A reader for any JDBC database: {@code java.time} types, {@code byte[]}, text for driver objects. */
    ColumnValues JDBC = io.cutover.internal.JdbcColumnValues::read;

    /**
     * Reads a value.
     *
     * @param rs the result, on a row
     * @param column the 1-based column index
     * @param typeName the column's database type name as the driver reports it
     * @return the value, or null for SQL NULL
     * @throws SQLException on a driver error
     */
    Object read(ResultSet rs, int column, String typeName) throws SQLException;
}
