package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.spi.KeyHandoff;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves each replicated table's AUTO_INCREMENT counter on the target past the source's (plus a
 * headroom), since the binlog carries rows but not counters; it is never lowered.
 *
 * <p>What the target's counter cannot see by itself: InnoDB raises a table's counter when a row
 * with a larger explicit id is inserted (as the stream does), but ids the source handed out to
 * rows deleted (or rolled back) before they reached the target leave no row there. So the
 * counter must reach the source's counter, not only the target's highest key + 1.
 *
 * <p>{@code ALTER TABLE … AUTO_INCREMENT} is DDL: it takes a metadata lock and waits for open
 * transactions on the table (the stream's applier among them). {@link #prepare()} therefore does
 * it before the pause, with the headroom; inside the pause {@link #handOff()} reads both sides'
 * counters (one statement each) and alters only a table whose counter the source overtook since.
 * Thread-safe.
 */
final class AutoIncrementHandoff implements KeyHandoff {
    private final EndpointDataSource sourceData;
    private final EndpointDataSource targetData;
    private final Endpoint source;
    private final Endpoint target;
    private final List<String> sourceTables;
    private final List<String> targetTables;
    private final long headroom;
    private volatile Map<String, String> autoIncrementColumns;
    // False once the server refused information_schema_stats_expiry (MariaDB has no such
    // variable): asking again would cost a failed round trip per side inside the pause.
    private volatile boolean statsExpiry = true;

    /**
     * Creates the hand-off.
     *
     * @param source where counters are read
     * @param target where counters are moved (the user needs ALTER on the tables); both keep
     *     their connections warm, since this runs inside the write pause
     * @param tables the replicated tables, named the same on both sides
     * @param headroom how far past the source's counter to go; not negative
     */
    AutoIncrementHandoff(EndpointDataSource source, EndpointDataSource target, List<String> tables, long headroom) {
        this(source, target, tables, tables, headroom);
    }

    /**
     * Creates the hand-off for tables named differently on each side.
     *
     * @param source where counters are read
     * @param target where counters are moved
     * @param sourceTables the replicated tables as the source names them
     * @param targetTables the same tables as the target names them, in the same order
     * @param headroom how far past the source's counter to go; not negative
     * @throws IllegalArgumentException if the lists differ in length or headroom is negative
     */
    AutoIncrementHandoff(EndpointDataSource source, EndpointDataSource target, List<String> sourceTables,
            List<String> targetTables, long headroom) {
        if (sourceTables.size() != targetTables.size()) {
            throw new IllegalArgumentException("tables " + sourceTables + " and " + targetTables + " do not pair up");
        }
        this.sourceData = Objects.requireNonNull(source, "source");
        this.targetData = Objects.requireNonNull(target, "target");
        this.source = source.endpoint();
        this.target = target.endpoint();
        this.sourceTables = List.copyOf(sourceTables);
        this.targetTables = List.copyOf(targetTables);
        if (headroom < 0) {
            throw new IllegalArgumentException("headroom must not be negative, was " + headroom);
        }
        this.headroom = headroom;
    }

    /**
     * Before the pause: finds the AUTO_INCREMENT columns and moves each target counter that is
     * not already there to the source's counter (or the target's highest key + 1) plus the
     * headroom, with {@code ALTER TABLE} while writes still flow. The headroom then covers the
     * ids the source hands out until the pause, so that {@link #handOff()} usually only reads.
     */
    @Override
    public List<String> prepare() {
        return run(true);
    }

    /**
     * Inside the pause: reads every counter of each side in one statement and moves only a target
     * counter that is behind what the source has handed out (or behind the target's own highest
     * key); that one goes to the needed value plus the headroom.
     */
    @Override
    public List<String> handOff() {
        return run(false);
    }

    private List<String> run(boolean ahead) {
        Phase phase = ahead ? Phase.PREFLIGHT : Phase.HANDOFF;
        List<String> moved = new ArrayList<>();
        Map<String, String> known = autoIncrementColumns;
        if (known != null && known.isEmpty()) {
            // No table has a counter (found by prepare()): nothing to read, no connection to borrow.
            return moved;
        }
        try (Connection src = sourceData.getConnection(); Connection dst = targetData.getConnection()) {
            Map<String, String> columns = columns(dst);
            if (columns.isEmpty()) {
                return moved;
            }
            statsFresh(src);
            statsFresh(dst);
            List<Integer> paired = new ArrayList<>();
            for (int i = 0; i < targetTables.size(); i++) {
                if (columns.containsKey(targetTables.get(i))) {
                    paired.add(i);
                }
            }
            long[] sourceNext = counters(src, source.database(), paired.stream().map(sourceTables::get).toList(), null);
            List<String> tables = paired.stream().map(targetTables::get).toList();
            long[] targetMax = new long[tables.size()];
            long[] targetNext = counters(dst, target.database(), tables, targetMax);
            for (int j = 0; j < tables.size(); j++) {
                String table = tables.get(j);
                long needed = Math.max(sourceNext[j], targetMax[j] + 1);
                long wanted = ahead ? needed + headroom : needed;
                String label = table + "." + columns.get(table) + ": ";
                if (targetNext[j] >= wanted) {
                    moved.add(label + targetNext[j] + " (already past the source's " + sourceNext[j] + ")");
                    continue;
                }
                try (Statement st = dst.createStatement()) {
                    st.execute("ALTER TABLE " + MySqlSql.qualified(target.database(), table) + " AUTO_INCREMENT = "
                            + (needed + headroom));
                }
                moved.add(label + targetNext[j] + " -> " + (needed + headroom) + " (source " + sourceNext[j] + ")"
                        + (ahead ? " before the pause" : ""));
            }
        } catch (SQLException e) {
            throw new CutoverException(phase, "AUTO_INCREMENT hand-off " + source.describe() + " -> "
                    + target.describe() + (ahead ? " before the pause" : "") + " failed: " + e.getMessage(), e);
        }
        return moved;
    }

    // Target table -> its AUTO_INCREMENT column, looked up once: the schema does not change
    // under a running cutover (the stream would stop on DDL it cannot apply).
    private Map<String, String> columns(Connection dst) throws SQLException {
        Map<String, String> known = autoIncrementColumns;
        if (known == null) {
            Map<String, String> found = new LinkedHashMap<>();
            for (String table : targetTables) {
                autoIncrementColumn(dst, target.database(), table).ifPresent(c -> found.put(table, c));
            }
            known = Map.copyOf(found);
            autoIncrementColumns = known;
        }
        return known;
    }

    // Every table's counter in one round trip; with maxKeys, each table's highest key too.
    private long[] counters(Connection c, String db, List<String> tables, long[] maxKeys) throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (int t = 0; t < tables.size(); t++) {
            String table = tables.get(t);
            if (t > 0) {
                sql.append(" UNION ALL ");
            }
            // Each row says which table it is for: UNION ALL promises no order.
            sql.append("SELECT ").append(t).append(", (SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " AND TABLE_NAME = ?)");
            sql.append(maxKeys == null ? ", 0" : ", (SELECT COALESCE(MAX(" + MySqlSql.quote(autoIncrementColumns.get(table))
                    + "), 0) FROM " + MySqlSql.qualified(db, table) + ")");
        }
        long[] next = new long[tables.size()];
        java.util.Arrays.fill(next, 1);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < tables.size(); i++) {
                ps.setString(2 * i + 1, db);
                ps.setString(2 * i + 2, tables.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = rs.getInt(1);
                    next[i] = Math.max(1, rs.getLong(2));
                    if (maxKeys != null) {
                        maxKeys[i] = rs.getLong(3);
                    }
                }
            }
        }
        return next;
    }

    private void statsFresh(Connection c) {
        if (!statsExpiry) {
            return;
        }
        // MySQL 8 caches information_schema.TABLES.AUTO_INCREMENT for a day unless told not to.
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION information_schema_stats_expiry = 0");
        } catch (SQLException e) {
            // MariaDB has no such variable (1193, unknown system variable) and its counters are
            // always current; any other failure is asked again next time.
            statsExpiry = e.getErrorCode() != 1193;
        }
    }

    private static Optional<String> autoIncrementColumn(Connection c, String db, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND EXTRA LIKE '%auto_increment%'")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

}
