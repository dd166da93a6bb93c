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
 * replicated row. Thread-safe.
 */
final class PgSequenceHandoff implements KeyHandoff {

    // Sequences owned by a table: serial ('a' auto dependency) and identity ('i' internal) columns.
    private static final String OWNED = "SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname)"
            + " FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace"
            + " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
            + " JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
            + " WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i') AND tn.nspname = ? AND t.relname = ANY (?) ORDER BY 1";

    private final PgEndpoint source;
    private final PgEndpoint target;
    private final String schema;
    private final List<String> tables;
    private final long headroom;

    PgSequenceHandoff(PgEndpoint source, PgEndpoint target, String schema, List<String> tables, long headroom) {
        this.source = source;
        this.target = target;
        this.schema = schema;
        this.tables = List.copyOf(tables);
        this.headroom = headroom;
    }

    @Override
    public List<String> handOff() {
        Map<String, Long> sourceValues = new LinkedHashMap<>();
        try {
            source.control(c -> {
                for (String seq : owned(c)) {
                    sourceValues.put(seq, lastValue(c, seq));
                }
                return null;
            });
        } catch (SQLException e) {
            throw new CutoverException(Phase.HANDOFF, "could not read sequences on " + source + ": " + e.getMessage(), e);
        }
        List<String> report = new ArrayList<>();
        try {
            target.control(c -> moveAll(c, sourceValues, report));
        } catch (SQLException e) {
            throw new CutoverException(Phase.HANDOFF, "could not set sequences on " + target + ": " + e.getMessage()
                    + "; the target's role needs UPDATE on the sequences", e);
        }
        return report;
    }

    private Void moveAll(Connection c, Map<String, Long> sourceValues, List<String> report) throws SQLException {
        for (Map.Entry<String, Long> e : sourceValues.entrySet()) {
            long before = lastValue(c, e.getKey());
            long wanted = Math.max(before, e.getValue() + headroom);
            if (wanted <= before) {
                report.add(e.getKey() + ": " + before + " (already past " + source.side + " at " + e.getValue() + ")");
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
                ps.setString(1, e.getKey());
                ps.setLong(2, wanted);
                ps.execute();
            }
            report.add(e.getKey() + ": " + before + " -> " + wanted + " (" + source.side + " at " + e.getValue() + ")");
        }
        return null;
    }

    private List<String> owned(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(OWNED)) {
            ps.setString(1, schema);
            ps.setArray(2, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
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
