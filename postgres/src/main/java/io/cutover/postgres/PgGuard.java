package io.cutover.postgres;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.spi.WriteGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one PostgreSQL database refuse writes to the replicated tables from every session but
 * Cutover's applier, with a statement-level trigger ({@code BEFORE INSERT OR UPDATE OR DELETE OR
 * TRUNCATE}) on each table that raises {@code 25006 read_only_sql_transaction} unless the
 * session has set {@value #BYPASS_SETTING} to this cutover's token.
 *
 * <p>Why triggers: they act on sessions that are already open (pooled connections of other
 * services, a psql left open) from their next statement, for every role including table owners
 * and superusers, and only on the replicated tables; replacing their function by a pass-through
 * lifts the guard at once without locking a table (the triggers are then dropped if their tables are free).
 * Revoking privileges misses owners and superusers; {@code default_transaction_read_only} only
 * reaches new sessions and can be switched off by any session. {@code CREATE TRIGGER} waits for
 * transactions already writing to a table, bounded by {@code lock_timeout}, so a guard is never
 * engaged under an open write. Limits: a superuser can still bypass it with
 * {@code session_replication_role = replica}; the token keeps honest writers out, not an attacker
 * who can read function sources. All triggers are created in one transaction: all or none.
 * Thread-safe (every call uses its own connection).
 */
final class PgGuard implements WriteGuard {

    /** The session setting that lets Cutover's applier through. */
    static final String BYPASS_SETTING = "cutover.applier";

    private final PgEndpoint endpoint;
    private final String schema;
    private final List<String> tables;
    /** How often lifting the guard is tried when a writer's transaction deadlocks with it or outlasts its lock timeout. */
    static final int RELEASE_ATTEMPTS = 6;
    /** How long dropping the lifted guard's triggers may wait for their tables' locks, inside the pause. */
    static final long TIDY_LOCK_MILLIS = 50;
    private static final String DEADLOCK = "40P01";
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Logger log = LoggerFactory.getLogger(PgGuard.class);

    private final String token;
    private final String name;
    private final long lockTimeoutMillis;

    PgGuard(PgEndpoint endpoint, String schema, List<String> tables, String base, String token, long lockTimeoutMillis) {
        this.endpoint = endpoint;
        this.schema = schema;
        this.tables = List.copyOf(tables);
        this.token = token;
        this.name = "cutover_guard_" + base;
        this.lockTimeoutMillis = lockTimeoutMillis;
    }

    @Override
    public void engage() {
        // One round trip: the statements go as one simple query, which PostgreSQL runs as one transaction.
        StringBuilder sql = new StringBuilder("SET LOCAL lock_timeout = " + lockTimeoutMillis + ";");
        sql.append("CREATE OR REPLACE FUNCTION ").append(schema).append('.').append(name)
                .append("() RETURNS trigger LANGUAGE plpgsql AS $g$ BEGIN")
                .append(" IF current_setting('").append(BYPASS_SETTING).append("', true) IS DISTINCT FROM '").append(token).append("' THEN")
                .append(" RAISE EXCEPTION 'cutover: table %.% is guarded: writes are paused or moved to the other database',")
                .append(" TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '25006'; END IF; RETURN NULL; END $g$;");
        for (String t : tables) {
            String table = schema + "." + PgDialect.quote(t);
            sql.append("DROP TRIGGER IF EXISTS ").append(name).append(" ON ").append(table).append(';');
            sql.append("CREATE TRIGGER ").append(name).append(" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ").append(table)
                    .append(" FOR EACH STATEMENT EXECUTE FUNCTION ").append(schema).append('.').append(name).append("();");
        }
        try {
            endpoint.control(c -> inTransaction(c, sql.toString()));
        } catch (SQLException e) {
            throw new CutoverException(Phase.GUARD, "could not guard " + endpoint + " (" + e.getMessage()
                    + "); nothing was changed. A transaction holding a write lock on a replicated table longer than "
                    + lockTimeoutMillis + " ms blocks the guard", e);
        }
    }

    /**
     * Lifts the guard in two steps. First the guard's function is replaced by one that lets every
     * write through: that locks no table, so it waits for no writer and no autovacuum, and every
     * session's next statement writes again. Then the triggers and the function are dropped if their
     * tables can be locked within {@value #TIDY_LOCK_MILLIS} ms; when a transaction (the reverse
     * stream applying here, an application, an autovacuum) holds one, the pass-through triggers stay
     * until the next {@link #engage()} or {@code finish()} replaces or drops them.
     */
    @Override
    public void release() {
        String lift = "CREATE OR REPLACE FUNCTION " + schema + "." + name
                + "() RETURNS trigger LANGUAGE plpgsql AS $g$ BEGIN RETURN NULL; END $g$;";
        for (int attempt = 1; ; attempt++) {
            try {
                endpoint.control(c -> inTransaction(c, "SET LOCAL lock_timeout = " + Math.max(lockTimeoutMillis, 5000) + ";" + lift));
                break;
            } catch (SQLException e) {
                if (!lockConflict(e) || attempt >= RELEASE_ATTEMPTS) {
                    throw new CutoverException(Phase.ABORT, "could not lift the guard on " + endpoint + " after " + attempt
                            + " attempt(s): " + e.getMessage() + "; drop the triggers named " + name + " by hand", e);
                }
                long backoff = releaseBackoffMillis(attempt);
                log.warn("lifting the guard on {} met a {}; attempt {} of {}, again in {} ms", endpoint,
                        DEADLOCK.equals(e.getSQLState()) ? "deadlock" : "lock timeout", attempt, RELEASE_ATTEMPTS, backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CutoverException(Phase.ABORT, "interrupted while lifting the guard on " + endpoint
                            + "; drop the triggers named " + name + " by hand", e);
                }
            }
        }
        StringBuilder drop = new StringBuilder("SET LOCAL lock_timeout = " + TIDY_LOCK_MILLIS + ";");
        for (String t : tables) {
            drop.append("DROP TRIGGER IF EXISTS ").append(name).append(" ON ").append(schema).append('.').append(PgDialect.quote(t)).append(';');
        }
        drop.append("DROP FUNCTION IF EXISTS ").append(schema).append('.').append(name).append("();");
        try {
            endpoint.control(c -> inTransaction(c, drop.toString()));
        } catch (SQLException e) {
            if (lockConflict(e)) {
                log.info("guard on {} lifted; its pass-through triggers {} stay until the next guard or finish(): a"
                        + " transaction holds one of their tables ({})", endpoint, name, e.getMessage());
            } else {
                log.warn("guard on {} lifted, but its pass-through triggers {} could not be dropped ({}); finish() drops them",
                        endpoint, name, e.getMessage());
            }
        }
    }

    /**
     * A lock wait that ended in a deadlock or in {@code lock_timeout}: worth another attempt once the
     * other transaction is done.
     */
    static boolean lockConflict(SQLException e) {
        return DEADLOCK.equals(e.getSQLState()) || LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }

    /** 100, 200, 400, 800 ms ... with up to a quarter more, so two retrying parties do not collide again. */
    static long releaseBackoffMillis(int attempt) {
        long base = 100L << Math.min(attempt - 1, 5);
        return base + java.util.concurrent.ThreadLocalRandom.current().nextLong(base / 4 + 1);
    }

    @Override
    public boolean engaged() {
        try {
            return endpoint.control(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgname = ? AND p.prosrc LIKE '%RAISE%'")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1) > 0;
                    }
                }
            });
        } catch (SQLException e) {
            throw new CutoverException(Phase.GUARD, "could not read the guard's state on " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static Void inTransaction(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        } finally {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "trigger guard " + name + " on " + endpoint;
    }
}
