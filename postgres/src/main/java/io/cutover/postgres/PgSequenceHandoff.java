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
 * each table owns exactly one sequence they are paired whatever the column.
 *
 * <p>Inside the write pause it costs two round trips whatever the number of sequences: one
 * statement reads the source's values, one reads the target's and calls {@code setval} only where
 * the target is behind. {@link #prepare()} moves the target ahead with the headroom beforehand,
 * so that inside the pause the second statement usually only reads. Thread-safe.
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
    // Resolved once per hand-off (the prepare step, else the first hand-off): the schema does not
    // change under a running cutover.
    private volatile List<Pair> pairs;

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

    /**
     * Before the pause: pairs each source sequence with the target's and moves every target
     * sequence that is not already there to the source's value plus the headroom, while writes
     * still flow; {@link #handOff()} then usually only reads.
     */
    @Override
    public List<String> prepare() {
        return run(true);
    }

    /**
     * Inside the pause: reads every source sequence in one statement, then in one statement on
     * the target reads each counterpart and moves only one that is behind the source's value, to
     * that value plus the headroom.
     */
    @Override
    public List<String> handOff() {
        return run(false);
    }

    private List<String> run(boolean ahead) {
        Phase phase = ahead ? Phase.PREFLIGHT : Phase.HANDOFF;
        List<Pair> known = pairs;
        long[] sourceValues;
        try {
            if (known == null) {
                List<Map<String, String>> sourceOwned = source.control(c -> {
                    List<Map<String, String>> owned = new ArrayList<>();
                    for (String table : sourceTables) {
                        owned.add(owned(c, table));
                    }
                    return owned;
                });
                known = target.control(c -> pair(c, sourceOwned));
                pairs = known;
            }
            if (known.isEmpty()) {
                return List.of();
            }
            List<Pair> all = known;
            sourceValues = source.control(c -> lastValues(c, all));
        } catch (SQLException e) {
            throw new CutoverException(phase, "could not read sequences on " + source + ": " + e.getMessage(), e);
        }
        List<String> report = new ArrayList<>();
        try {
            List<Pair> all = known;
            target.control(c -> moveAll(c, all, sourceValues, ahead, report));
        } catch (SQLException e) {
            throw new CutoverException(phase, "could not set sequences on " + target + ": " + e.getMessage()
                    + "; the target's role needs UPDATE on the sequences", e);
        }
        return report;
    }

    private List<Pair> pair(Connection c, List<Map<String, String>> sourceOwned) throws SQLException {
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < targetTables.size(); i++) {
            Map<String, String> from = sourceOwned.get(i);
            Map<String, String> to = owned(c, targetTables.get(i));
            for (Map.Entry<String, String> column : from.entrySet()) {
                out.add(new Pair(column.getValue(), counterpart(column.getKey(), column.getValue(), from, to)));
            }
        }
        return List.copyOf(out);
    }

    // Every source sequence's last value handed out, in one round trip.
    private static long[] lastValues(Connection c, List<Pair> all) throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i)
                    .append(", CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM ").append(all.get(i).source());
        }
        long[] values = new long[all.size()];
        try (PreparedStatement ps = c.prepareStatement(sql.toString()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values[rs.getInt(1)] = rs.getLong(2);
            }
        }
        return values;
    }

    // In one round trip: each target sequence's value, moved when it is behind what it must pass.
    // CASE calls setval only for the rows whose condition holds.
    private Void moveAll(Connection c, List<Pair> all, long[] sourceValues, boolean ahead, List<String> report)
            throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(", v.before, CASE WHEN v.before < ?")
                    .append(" THEN setval(?::regclass, ?, true) END FROM (SELECT CASE WHEN is_called THEN last_value")
                    .append(" ELSE last_value - 1 END AS before FROM ").append(all.get(i).target()).append(") v");
        }
        long[] before = new long[all.size()];
        boolean[] moved = new boolean[all.size()];
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < all.size(); i++) {
                long past = ahead ? sourceValues[i] + headroom : sourceValues[i];
                ps.setLong(3 * i + 1, past);
                ps.setString(3 * i + 2, all.get(i).target());
                ps.setLong(3 * i + 3, sourceValues[i] + headroom);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = rs.getInt(1);
                    before[i] = rs.getLong(2);
                    rs.getLong(3);
                    moved[i] = !rs.wasNull();
                }
            }
        }
        for (int i = 0; i < all.size(); i++) {
            Pair p = all.get(i);
            String label = p.target().equals(p.source()) ? p.target() : p.target() + " (for " + p.source() + ")";
            report.add(moved[i]
                    ? label + ": " + before[i] + " -> " + (sourceValues[i] + headroom) + " (" + source.side + " at "
                            + sourceValues[i] + ")" + (ahead ? " before the pause" : "")
                    : label + ": " + before[i] + " (already past " + source.side + " at " + sourceValues[i] + ")");
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

    /** A source sequence and the target's sequence for it, both qualified and quoted. */
    private record Pair(String source, String target) {
    }
}
