package io.cutover.capture;

import io.cutover.Side;
import io.cutover.spi.Teardown;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Removes the host's control tables from one server when a migration is finished: in each table
 * the finished streams' rows, then the table itself unless another stream still has rows there.
 * The tables: the fence table (on a stream's source), {@value OffsetTable#NAME} and
 * {@value CopyLedger#NAME} (on its target), and {@value #LEGACY_COPY_TABLE}, the copy ledger of
 * earlier versions. Every table is keyed by a {@code stream} column. Stateless.
 */
final class ControlTableRemoval {

    /** The copy ledger's name before it became {@value CopyLedger#NAME}; an old copy may have left it. */
    static final String LEGACY_COPY_TABLE = "cutover_copy_tables";

    /** How many other streams a kept table's line names. */
    private static final int NAMED_OTHERS = 5;

    private ControlTableRemoval() {
    }

    /**
     * Removes the streams' rows and the tables they leave unused, each through the teardown.
     *
     * @param teardown the finish's removals
     * @param side the server
     * @param fenceTable the fence table's name there
     * @param keys the rows' keys: stream names and the dialect's heartbeat keys
     * @param fenceTableUsers what else uses the fence table (another migration's publication); it is kept while any
     */
    static void remove(Teardown teardown, Side side, String fenceTable, Set<String> keys, List<String> fenceTableUsers) {
        Set<String> tables = new LinkedHashSet<>(List.of(fenceTable, OffsetTable.NAME, CopyLedger.NAME, LEGACY_COPY_TABLE));
        for (String table : tables) {
            List<String> users = table.equals(fenceTable) ? fenceTableUsers : List.of();
            teardown.remove(side, "table " + table, byHand(table, keys), c -> remove(teardown, side, c, table, keys, users));
        }
    }

    private static String remove(Teardown teardown, Side side, Connection c, String table, Set<String> keys,
            List<String> users) throws SQLException {
        if (!ControlTableLookup.exists(c, table)) {
            return null;
        }
        int deleted = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE stream = ?")) {
            for (String key : keys) {
                ps.setString(1, key);
                deleted += ps.executeUpdate();
            }
        }
        if (!users.isEmpty()) {
            teardown.leftInPlace(side, "table " + table + ": still used by " + String.join(", ", users)
                    + "; finishing that migration removes it");
            return deleted == 0 ? null : deleted + " row(s) of this migration in table " + table;
        }
        List<String> others = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT stream FROM " + table)) {
            while (rs.next()) {
                others.add(rs.getString(1));
            }
        }
        if (!others.isEmpty()) {
            teardown.leftInPlace(side, "table " + table + ": still holds rows of " + others.size() + " other stream(s) ("
                    + String.join(", ", others.subList(0, Math.min(NAMED_OTHERS, others.size())))
                    + (others.size() > NAMED_OTHERS ? ", ..." : "") + "); finishing those removes it");
            return deleted == 0 ? null : deleted + " row(s) of this migration in table " + table;
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + table);
        }
        return "table " + table;
    }

    private static String byHand(String table, Set<String> keys) {
        String in = keys.stream().map(k -> "'" + k.replace("'", "''") + "'").collect(Collectors.joining(", "));
        return "DELETE FROM " + table + " WHERE stream IN (" + in + "); then, if no row is left, DROP TABLE " + table;
    }
}
