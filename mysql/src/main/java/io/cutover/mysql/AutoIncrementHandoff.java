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
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves each replicated table's AUTO_INCREMENT counter on the target past the source's (plus a
 * headroom), since the binlog carries rows but not counters. The new value is the larger of the
 * source's counter and the target's highest key + 1, plus the headroom; it is never lowered.
 * Runs inside the write pause; each table costs one metadata-only {@code ALTER TABLE}.
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

    @Override
    public List<String> handOff() {
        List<String> moved = new ArrayList<>();
        try (Connection src = sourceData.getConnection(); Connection dst = targetData.getConnection()) {
            statsFresh(src);
            statsFresh(dst);
            for (int i = 0; i < targetTables.size(); i++) {
                String table = targetTables.get(i);
                Optional<String> column = autoIncrementColumn(dst, target.database(), table);
                if (column.isEmpty()) {
                    continue;
                }
                long sourceNext = counter(src, source.database(), sourceTables.get(i));
                long targetNext = counter(dst, target.database(), table);
                long targetMax = maxKey(dst, table, column.get());
                long next = Math.max(sourceNext, targetMax + 1) + headroom;
                if (next > targetNext) {
                    try (Statement st = dst.createStatement()) {
                        st.execute("ALTER TABLE " + MySqlSql.qualified(target.database(), table)
                                + " AUTO_INCREMENT = " + next);
                    }
                }
                moved.add(table + "." + column.get() + ": " + targetNext + " -> " + Math.max(next, targetNext)
                        + " (source " + sourceNext + ")");
            }
        } catch (SQLException e) {
            throw new CutoverException(Phase.HANDOFF, "AUTO_INCREMENT hand-off " + source.describe() + " -> "
                    + target.describe() + " failed: " + e.getMessage(), e);
        }
        return moved;
    }

    private static void statsFresh(Connection c) {
        // MySQL 8 caches information_schema.TABLES.AUTO_INCREMENT for a day unless told not to.
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION information_schema_stats_expiry = 0");
        } catch (SQLException e) {
            // MariaDB has no such variable and its counters are always current.
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

    private static long counter(Connection c, String db, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(1, rs.getLong(1)) : 1;
            }
        }
    }

    private long maxKey(Connection c, String table, String column) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(MAX("
                + MySqlSql.quote(column) + "), 0) FROM " + MySqlSql.qualified(target.database(), table))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
