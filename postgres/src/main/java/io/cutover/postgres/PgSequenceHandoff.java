package io.cutover.postgres;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.spi.KeyHandoff;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves every sequence owned by a replicated table (serial and identity columns) on the target
 * past the source's value plus a headroom, and never backwards. Logical replication does not
 * carry sequences: without this the first insert on the target after the flip collides with a
 * replicated row. The target's sequence is the one owned by the same column of the target's
 * table, which may be named differently (a table or key column renamed between the sides); when
 * each table owns exactly one sequence they are paired whatever the column. Thread-safe.
 */
final class PgSequenceHandoff implements KeyHandoff {

    // Sequences owned by one table, with the owning column: serial ('a' auto dependency) and
    // identity ('i' internal) columns.
    private static final String OWNED = "SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname), a.attname"
            + " FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace"
            + " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
            + " JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
            + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
            + " WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i') AND tn.nspname = ? AND t.relname = ? ORDER BY 1";

    private final PgEndpoint source;
    private final PgEndpoint target;
    private final String schema;
    private final List<String> sourceTables;
    private final List<String> targetTables;
    private final long headroom;

    /**
     * Creates the hand-off.
     *
     * @param sourceTables the replicated tables as the source names them
     * @param targetTables the same tables as the target names them, in the same order
     */
    PgSequenceHandoff(PgEndpoint source, PgEndpoint target, String schema, List<String> sourceTables,
            List<String> targetTables, long headroom) {
        if (sourceTables.size() != targetTables.size()) {
            throw new IllegalArgumentException("tables " + sourceTables + " and " + targetTables + " do not pair up");
        }
        this.source = source;
        this.target = target;
        this.schema = schema;
        this.sourceTables = List.copyOf(sourceTables);
        this.targetTables = List.copyOf(targetTables);
        this.headroom = headroom;
    }

    @Override
    public List<String> handOff() {
        // Source sequence -> its value, and source sequence -> the target's sequence for it.
        Map<String, Long> sourceValues = new LinkedHashMap<>();
        List<Map<String, String>> sourceOwned = new ArrayList<>();
        try {
            source.control(c -> {
                for (String table : sourceTables) {
                    Map<String, String> owned = owned(c, table);
                    sourceOwned.add(owned);
                    for (String seq : owned.values()) {
                        sourceValues.put(seq, lastValue(c, seq));
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new CutoverException(Phase.HANDOFF, "could not read sequences on " + source + ": " + e.getMessage(), e);
        }
        List<String> report = new ArrayList<>();
        try {
            target.control(c -> moveAll(c, sourceOwned, sourceValues, report));
        } catch (SQLException e) {
            throw new CutoverException(Phase.HANDOFF, "could not set sequences on " + target + ": " + e.getMessage()
                    + "; the target's role needs UPDATE on the sequences", e);
        }
        return report;
    }

    private Void moveAll(Connection c, List<Map<String, String>> sourceOwned, Map<String, Long> sourceValues,
            List<String> report) throws SQLException {
        for (int i = 0; i < targetTables.size(); i++) {
            Map<String, String> from = sourceOwned.get(i);
            Map<String, String> to = owned(c, targetTables.get(i));
            for (Map.Entry<String, String> column : from.entrySet()) {
                String sourceSeq = column.getValue();
                String targetSeq = counterpart(column.getKey(), sourceSeq, from, to);
                move(c, sourceSeq, targetSeq, sourceValues.get(sourceSeq), report);
            }
        }
        return null;
    }

    // The target's sequence for a source column's: the one the same column owns there; else the
    // only one, when each table owns one (the column was renamed); else the same name.
    private static String counterpart(String column, String sourceSeq, Map<String, String> from, Map<String, String> to) {
        if (to.containsKey(column)) {
            return to.get(column);
        }
        if (from.size() == 1 && to.size() == 1) {
            return to.values().iterator().next();
        }
        return sourceSeq;
    }

    private void move(Connection c, String sourceSeq, String targetSeq, long sourceValue, List<String> report)
            throws SQLException {
        String label = targetSeq.equals(sourceSeq) ? targetSeq : targetSeq + " (for " + sourceSeq + ")";
        long before = lastValue(c, targetSeq);
        long wanted = Math.max(before, sourceValue + headroom);
        if (wanted <= before) {
            report.add(label + ": " + before + " (already past " + source.side + " at " + sourceValue + ")");
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
            ps.setString(1, targetSeq);
            ps.setLong(2, wanted);
            ps.execute();
        }
        report.add(label + ": " + before + " -> " + wanted + " (" + source.side + " at " + sourceValue + ")");
    }

    // Owning column -> sequence, for one table.
    private Map<String, String> owned(Connection c, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(OWNED)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(2), rs.getString(1));
                }
            }
        }
        return out;
    }

    // The last value handed out, or start - 1 when none was.
    private static long lastValue(Connection c, String seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_value, is_called FROM " + seq)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(2) ? rs.getLong(1) : rs.getLong(1) - 1;
            }
        }
    }
}
