package io.cutover.capture;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Tells whether one of the host's control tables exists on a server, from the driver's metadata, so
 * that removing rows from a table that was never created (a stream refused before its first start)
 * is "nothing to remove" rather than a failure worth a warning. Stateless.
 */
final class ControlTableLookup {

    private ControlTableLookup() {
    }

    /**
     * Looks a table up by the name the host uses in SQL, {@code table} or {@code schema.table}, in
     * the name's own case, lower case and upper case (how servers fold unquoted names). An
     * unqualified name is looked up where the connection resolves it (its catalog and schema); a
     * schema part is tried as a schema (PostgreSQL) and as a catalog (MySQL-family databases).
     *
     * @param connection a connection to the server
     * @param name the table's name as the host writes it in SQL
     * @return whether the server has it
     * @throws SQLException if the driver cannot read its metadata
     */
    static boolean exists(Connection connection, String name) throws SQLException {
        int dot = name.lastIndexOf('.');
        String schema = dot < 0 ? null : name.substring(0, dot);
        String table = dot < 0 ? name : name.substring(dot + 1);
        DatabaseMetaData meta = connection.getMetaData();
        // As written, lower case, upper case: how servers fold unquoted names.
        List<UnaryOperator<String>> folds = List.of(n -> n, n -> n.toLowerCase(Locale.ROOT), n -> n.toUpperCase(Locale.ROOT));
        for (UnaryOperator<String> fold : folds) {
            String t = fold.apply(table);
            if (schema == null) {
                // Unqualified: where the connection resolves it (MySQL's database, PostgreSQL's schema).
                if (found(meta, connection.getCatalog(), connection.getSchema(), t)) {
                    return true;
                }
            } else {
                String s = fold.apply(schema);
                if (found(meta, null, s, t) || found(meta, s, null, t)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean found(DatabaseMetaData meta, String catalog, String schema, String table) throws SQLException {
        try (ResultSet rs = meta.getTables(catalog, schema, table, null)) {
            return rs.next();
        }
    }
}
