package io.cutover.postgres;

import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.Side;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.CaptureSpec;
import io.cutover.spi.Teardown;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;

/**
 * Removes what one PostgreSQL migration created on both servers, in both directions, once its
 * links are closed: each direction's replication slot and publication on that direction's source,
 * the trigger guard (function and triggers) on the live side and, when asked, on the old side, and
 * the capture host's control tables (the fence table stays while another migration's publication
 * includes it). Sequences keep the values the hand-off set: nothing to undo.
 * Every removal reads the catalog first, so what is already gone is not reported, and a second run
 * reports nothing. A slot still held by a walsender is waited for, up to the options' timeout, and
 * never taken from its holder: another process may still stream from it. Used by one thread.
 */
final class PgFinish {

    private static final Logger LOG = LoggerFactory.getLogger(PgFinish.class);

    private static final String TRIGGERS = "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
            + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE t.tgname = ? ORDER BY 1";
    private static final String FUNCTIONS = "SELECT quote_ident(n.nspname) FROM pg_proc p"
            + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = ? AND p.pronargs = 0 ORDER BY 1";

    private final PostgresCutover.Settings settings;
    private final Side live;
    private final String link;

    /**
     * @param settings the migration's settings
     * @param live the side the finished link reads from: where the application writes
     * @param link the finished link's stream name, for the report
     */
    PgFinish(PostgresCutover.Settings settings, Side live, String link) {
        this.settings = settings;
        this.live = live;
        this.link = link;
    }

    /**
     * Runs every removal.
     *
     * @param options whether the old side's guard goes, how long each removal may wait
     * @param closeLink closes the finished link (its stream drops its own slot and publication)
     * @return the report
     * @throws io.cutover.FinishIncompleteException if a removal failed; the others ran
     */
    FinishReport run(FinishOptions options, Runnable closeLink) {
        PgNames forward = new PgNames(settings.name, Side.BLUE, settings.schema);
        List<PgNames> directions = List.of(forward, forward.reverse());
        Duration timeout = options.timeout();
        // Closing the link drops its own slot and publication: seen here, they are reported as removed.
        Set<String> before = new HashSet<>();
        for (PgNames names : directions) {
            before.addAll(capture(names));
        }
        closeLink.run();
        try (Teardown t = new Teardown(link)) {
            for (Side side : Side.values()) {
                PgEndpoint endpoint = settings.endpoint(side);
                t.server(side, endpoint.toString(), endpoint.dataSource(), c -> run(c, "SET lock_timeout = " + timeout.toMillis()),
                        c -> run(c, "RESET lock_timeout"));
            }
            for (PgNames names : directions) {
                Side side = names.source();
                String slot = "replication slot " + names.slot();
                String publication = "publication " + names.publication();
                t.remove(side, slot, "SELECT pg_drop_replication_slot('" + names.slot() + "')",
                        c -> dropSlot(c, names.slot(), timeout) != null || before.contains(slot) ? slot : null);
                t.remove(side, publication, "DROP PUBLICATION IF EXISTS " + names.publication(),
                        c -> dropPublication(c, names.publication()) != null || before.contains(publication) ? publication : null);
            }
            guard(t, live, true);
            guard(t, live.other(), options.makeOldSideWritable());
            List<String> streams = directions.stream().map(PgNames::stream).toList();
            List<String> heartbeats = directions.stream().map(PgNames::heartbeatKey).toList();
            CaptureHost host = CaptureHost.load();
            for (Side side : Side.values()) {
                host.removeControlTables(t, side, forward.fenceTable(), streams, heartbeats, fenceTableUsers(t, side, directions));
            }
            return t.report();
        }
    }

    // Other migrations' publications over the fence table on a side: they stream it by identity, so
    // it must stay while they do (recreated, it would be another table to them).
    private List<String> fenceTableUsers(Teardown t, Side side, List<PgNames> ours) {
        List<String> users = new ArrayList<>();
        t.look(side, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 'publication ' || pubname FROM pg_publication_tables"
                    + " WHERE schemaname = ? AND tablename = ? ORDER BY 1")) {
                ps.setString(1, settings.schema);
                ps.setString(2, CaptureSpec.DEFAULT_FENCE_TABLE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(rs.getString(1));
                    }
                }
            }
        });
        ours.forEach(n -> users.remove("publication " + n.publication()));
        return users;
    }

    // The direction's slot and publication present on its source now, as the report names them; none if unreachable.
    private Set<String> capture(PgNames names) {
        Set<String> found = new HashSet<>();
        try (Connection c = settings.endpoint(names.source()).dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 'replication slot ' || slot_name FROM pg_replication_slots"
                        + " WHERE slot_name = ? UNION ALL SELECT 'publication ' || pubname FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, names.slot());
            ps.setString(2, names.publication());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            LOG.debug("finish '{}': could not list slot and publication on {}: {}", link, names.source(), e.getMessage());
        }
        return found;
    }

    private String guardName() {
        return "cutover_guard_" + settings.name;
    }

    private void guard(Teardown t, Side side, boolean remove) {
        if (!remove) {
            t.look(side, c -> {
                List<String> tables = names(c, TRIGGERS);
                if (!tables.isEmpty()) {
                    t.leftInPlace(side, "guard " + guardName() + " (triggers on " + String.join(", ", tables) + "): " + side
                            + " refuses writes to those tables; FinishOptions.makeOldSideWritable(true) lifts it, or by hand: "
                            + guardSql(tables, names(c, FUNCTIONS)));
                }
            });
            return;
        }
        List<String> configured = settings.tables.on(side).stream()
                .map(table -> PgDialect.quote(settings.schema) + "." + PgDialect.quote(table)).toList();
        String byHand = guardSql(configured, List.of(PgDialect.quote(settings.schema)));
        t.remove(side, "guard " + guardName(), byHand, c -> {
            List<String> tables = names(c, TRIGGERS);
            List<String> schemas = names(c, FUNCTIONS);
            if (tables.isEmpty() && schemas.isEmpty()) {
                return null;
            }
            inTransaction(c, guardSql(tables, schemas));
            return "guard " + guardName() + " (function" + (tables.isEmpty() ? "" : ", triggers on " + String.join(", ", tables)) + ")";
        });
    }

    // Drops the guard's triggers on the given tables (quoted and qualified) and its function in the given schemas.
    private String guardSql(List<String> tables, List<String> schemas) {
        StringBuilder sql = new StringBuilder();
        for (String table : tables) {
            sql.append("DROP TRIGGER IF EXISTS ").append(guardName()).append(" ON ").append(table).append("; ");
        }
        for (String schema : schemas) {
            sql.append("DROP FUNCTION IF EXISTS ").append(schema).append('.').append(guardName()).append("(); ");
        }
        return sql.toString().trim();
    }

    private List<String> names(Connection c, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, guardName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String dropSlot(Connection c, String slot, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement ps = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    int pid = rs.getInt(1);
                    if (rs.wasNull()) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new SQLException("slot " + slot + " is still held by process " + pid + " after "
                                + timeout.toMillis() + " ms: a stream still reads it (this migration running in another"
                                + " process?); stop that stream first");
                    }
                }
                pause();
            }
        }
        try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            drop.setString(1, slot);
            drop.execute();
        }
        return "replication slot " + slot;
    }

    private static void pause() throws SQLException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a replication slot to be released", e);
        }
    }

    private static String dropPublication(Connection c, String publication) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
        return "publication " + publication;
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void inTransaction(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
