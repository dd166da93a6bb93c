package io.cutover.postgres;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.spi.WriteGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one PostgreSQL database refuse writes to the replicated tables from every session but
 * Cutover's applier, with a statement-level trigger ({@code BEFORE INSERT OR UPDATE OR DELETE OR
 * TRUNCATE}, which {@code COPY FROM} fires too) on each table whose function raises {@code 25006
 * read_only_sql_transaction} unless the session has set {@value #BYPASS_SETTING} to this cutover's
 * token.
 *
 * <p>Why triggers: they act on sessions that are already open (pooled connections of other
 * services, a psql left open) from their next statement, for every role including table owners
 * and superusers, and only on the replicated tables. Revoking privileges misses owners and
 * superusers; {@code default_transaction_read_only} only reaches new sessions and can be switched
 * off by any session. Limits: a superuser can still bypass it with
 * {@code session_replication_role = replica}; the token keeps honest writers out, not an attacker
 * who can read function sources.
 *
 * <p>No table lock inside the pause: {@link #prepare()} creates the triggers before it, with a
 * function that passes every write; {@link #engage()} replaces that function by the refusing one
 * (which locks no table, so an autovacuum's lock does not delay it) and then waits, through
 * {@code pg_locks}, for the transactions that were already writing to a guarded table;
 * {@link #release()} puts the passing function back, then drops the triggers if their tables are
 * free at once; {@link #discardPrepared()} drops what a cutover prepared and did not engage. A table whose trigger is missing at {@link #engage()} gets it then, under its lock,
 * bounded by the guard's lock timeout. Thread-safe (every call uses the endpoint's control
 * connection, one call at a time).
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
    private static final String DUPLICATE = "42710";
    /** How long preparing waits for a table's lock the first time, while writes flow. */
    static final long PREPARE_LOCK_MILLIS = 50;
    private static final Logger log = LoggerFactory.getLogger(PgGuard.class);

    private final String token;
    private final String name;
    private final long lockTimeoutMillis;
    private final String engageSql;

    PgGuard(PgEndpoint endpoint, String schema, List<String> tables, String base, String token, long lockTimeoutMillis) {
        this.endpoint = endpoint;
        this.schema = schema;
        this.tables = List.copyOf(tables);
        this.token = token;
        this.name = "cutover_guard_" + base;
        this.lockTimeoutMillis = lockTimeoutMillis;
        this.engageSql = engageSql();
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: creates the guard's function, passing every write, if it does not exist (an
     * engaged guard's function is left as it is), and its trigger on each table that lacks one.
     * Each {@code CREATE TRIGGER} takes its table's {@code SHARE ROW EXCLUSIVE} lock, which waits for
     * the table's writers and makes the table's new writers wait behind it: it is first tried with a
     * lock timeout of {@value #PREPARE_LOCK_MILLIS} ms, then once with the guard's lock timeout (an
     * autovacuum on the table yields to a waiter after {@code deadlock_timeout}); a table still busy
     * then is left to {@link #engage()}, which creates its trigger inside the pause, as it did before
     * there was a preparation. Never throws for a table it could not prepare: the lines say which.
     */
    @Override
    public List<String> prepare() {
        List<String> missing;
        try {
            missing = endpoint.control(this::tablesWithoutTrigger);
        } catch (SQLException e) {
            log.warn("guard {} not prepared on {}: {}", name, endpoint, e.getMessage());
            return List.of("guard " + name + " not prepared on " + endpoint.side + " (" + e.getMessage()
                    + "); its triggers are created inside the pause");
        }
        List<String> busy = new ArrayList<>();
        for (String table : missing) {
            if (!install(table)) {
                busy.add(table);
            }
        }
        String on = tables.size() + " table(s) of " + endpoint.side;
        if (busy.isEmpty()) {
            return List.of("guard " + name + " prepared before the pause: triggers on " + on + ", "
                    + (missing.isEmpty() ? "already in place" : missing.size() + " created") + "; engaging replaces its function");
        }
        return List.of("guard " + name + " prepared on " + (tables.size() - busy.size()) + " of " + on + "; "
                + String.join(", ", busy) + " stayed busy, so engaging creates their triggers inside the pause");
    }

    private boolean install(String table) {
        String function = schema + "." + name;
        String sql = "DO $d$ BEGIN IF to_regprocedure('" + function.replace("'", "''") + "()') IS NULL THEN "
                + functionSql(false).replace("CREATE OR REPLACE", "CREATE") + " END IF; END $d$;" + createTrigger(table);
        for (long timeout : new long[] {PREPARE_LOCK_MILLIS, Math.max(lockTimeoutMillis, PREPARE_LOCK_MILLIS)}) {
            try {
                endpoint.control(c -> PgGuardLocks.inTransaction(c, "SET LOCAL lock_timeout = " + timeout + ";" + sql));
                return true;
            } catch (SQLException e) {
                if (DUPLICATE.equals(e.getSQLState())) {
                    return true; // made meanwhile by another preparation
                }
                if (!PgGuardLocks.lockConflict(e)) {
                    log.warn("guard {}: could not create its trigger on {} before the pause ({}); engaging creates it", name, table,
                            e.getMessage());
                    return false;
                }
                log.info("guard {}: {} busy for {} ms before the pause ({})", name, table, timeout, e.getMessage());
            }
        }
        return false;
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: in one transaction, replaces the guard's function by the one that refuses
     * writes, and creates the trigger on any table that lacks one (not {@linkplain #prepare()
     * prepared}: that waits for the table's lock, bounded by the guard's lock timeout). Replacing
     * a function locks no table, so an autovacuum does not delay it. Every statement that first
     * locks a guarded table after that commit runs the new function: taking a lock not held yet
     * processes the invalidation of the function's catalog row, and PL/pgSQL checks its compiled
     * copy against that row on every call. A transaction that already held a write lock on a
     * guarded table may still run the old one, so the guard then waits until every transaction
     * that held a write lock on a guarded table at that moment has ended, bounded by the guard's
     * lock timeout: their writes are then committed (or rolled back) before anything written
     * next, such as a fence. If one stays open past the bound, the guard is lifted again and the
     * error names it.
     */
    @Override
    public void engage() {
        long start = System.nanoTime();
        long deadline = start + lockTimeoutMillis * 1_000_000;
        Swap swap;
        try {
            swap = endpoint.control(this::swapIn);
        } catch (SQLException e) {
            throw new CutoverException(Phase.GUARD, "could not guard " + endpoint + " (" + e.getMessage()
                    + "); nothing was changed. A transaction holding a write lock on a replicated table longer than "
                    + lockTimeoutMillis + " ms blocks the guard", e);
        }
        long swapped = System.nanoTime();
        List<PgOpenWriters.Writer> open;
        try {
            open = endpoint.control(c -> {
                List<String> left = PgOpenWriters.awaitEnd(c, swap.writers(), deadline);
                return left.isEmpty() ? List.of() : PgOpenWriters.describe(c, left);
            });
        } catch (SQLException e) {
            throw liftAfter(new CutoverException(Phase.GUARD, "could not wait on " + endpoint + " for the transactions writing to the"
                    + " guarded tables (" + e.getMessage() + "); the guard is lifted again, nothing is refused", e));
        }
        if (!open.isEmpty()) {
            String which = open.stream().map(PgOpenWriters.Writer::describe).collect(java.util.stream.Collectors.joining("; "));
            if (Thread.currentThread().isInterrupted()) {
                throw liftAfter(new CutoverException(Phase.GUARD, "interrupted while guarding " + endpoint + ", waiting for " + which
                        + "; the guard is lifted again, nothing is refused"));
            }
            throw liftAfter(new CutoverException(Phase.GUARD, "could not guard " + endpoint + ": " + open.size()
                    + " transaction(s) that wrote to the replicated tables before the guard were still open after " + lockTimeoutMillis
                    + " ms: " + which + ". The guard is lifted again, nothing is refused. Have that transaction end (or end it:"
                    + " SELECT pg_terminate_backend(pid)), or raise guardLockTimeout"));
        }
        if (swap.created() > 0) {
            log.info("guard {} engaged on {}; {} trigger(s) created inside the pause (not prepared before it)", name, endpoint,
                    swap.created());
        }
        log.debug("guard {} engaged on {} in {} us: function swapped in {} us, then waited for {} open writer(s)", name, endpoint,
                (System.nanoTime() - start) / 1000, (swapped - start) / 1000, swap.writers().size());
    }

    /** What the swap to the refusing function did: triggers it had to create, transactions writing at its commit. */
    private record Swap(int created, List<String> writers) {
    }

    // One round trip: the swap in an explicit transaction, then, once it committed, the writers holding locks.
    private Swap swapIn(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            boolean results = st.execute(engageSql);
            int created = 0;
            for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                created++;
            }
            List<String> writers = new ArrayList<>();
            while (results || st.getUpdateCount() != -1) {
                if (results) {
                    try (ResultSet rs = st.getResultSet()) {
                        while (rs.next()) {
                            writers.add(rs.getString(1));
                        }
                    }
                }
                results = st.getMoreResults();
            }
            return new Swap(created, writers);
        } catch (SQLException e) {
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK"); // the explicit transaction the failure left open
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    // The engaging statements, fixed for the guard: see engage().
    private String engageSql() {
        // The function's body is fixed and known good: not compiling it to validate saves time inside the pause.
        StringBuilder sql = new StringBuilder("BEGIN; SET LOCAL lock_timeout = " + lockTimeoutMillis + ";"
                + " SET LOCAL check_function_bodies = off;").append(functionSql(true));
        sql.append("DO $d$ BEGIN ");
        for (String t : tables) {
            sql.append("IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = '").append(name).append("' AND tgrelid = '")
                    .append(qualified(t).replace("'", "''")).append("'::regclass) THEN ").append(createTrigger(t))
                    .append(" RAISE NOTICE 'created inside the pause'; END IF; ");
        }
        sql.append("END $d$; COMMIT;");
        return sql.append(PgOpenWriters.snapshotSql(tables.stream().map(this::qualified).toList())).toString();
    }

    // Lifts the guard an engage could not complete, so that it leaves nothing refusing writes.
    private CutoverException liftAfter(CutoverException failure) {
        try {
            release();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    // The tables (as configured) that have no trigger of this guard.
    private List<String> tablesWithoutTrigger(Connection c) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i FROM unnest(?::text[]) WITH ORDINALITY AS t(q, i) WHERE NOT EXISTS"
                + " (SELECT FROM pg_trigger g WHERE g.tgname = ? AND g.tgrelid = to_regclass(t.q)) ORDER BY i")) {
            ps.setArray(1, c.createArrayOf("text", tables.stream().map(this::qualified).toArray()));
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    missing.add(tables.get(rs.getInt(1) - 1));
                }
            }
        }
        return missing;
    }

    private String qualified(String table) {
        return schema + "." + PgDialect.quote(table);
    }

    private String createTrigger(String table) {
        return "CREATE TRIGGER " + name + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON " + qualified(table)
                + " FOR EACH STATEMENT EXECUTE FUNCTION " + schema + "." + name + "();";
    }

    // What the refusal tells whoever meets a guard that nobody lifts (its cutover's process died): one SQL literal.
    private String leftoverHint() {
        return ("guard " + name + " of cutover " + name.substring("cutover_guard_".length()) + ". During a cutover this"
                + " lasts milliseconds. If it lasts, the process running the cutover died: if the fleet still records this"
                + " database live (the flip never happened), start that process again and call Cutover.liftLeftoverGuard(switcher, link),"
                + " which checks this and lifts it; by hand, after checking: DROP FUNCTION " + schema + "." + name
                + "() CASCADE. If the other database is live, this one is the old side: leave the guard").replace("'", "''");
    }

    // The guard's function: refusing every write but the applier's, or passing them all.
    private String functionSql(boolean refusing) {
        String body = refusing
                ? " IF current_setting('" + BYPASS_SETTING + "', true) IS DISTINCT FROM '" + token + "' THEN"
                        + " RAISE EXCEPTION 'cutover: table %.% is guarded: writes are paused or moved to the other database',"
                        + " TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '25006', HINT = '" + leftoverHint() + "'; END IF;"
                : "";
        return "CREATE OR REPLACE FUNCTION " + schema + "." + name + "() RETURNS trigger LANGUAGE plpgsql AS $g$ BEGIN" + body
                + " RETURN NULL; END $g$;";
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
        String lift = functionSql(false);
        for (int attempt = 1; ; attempt++) {
            try {
                endpoint.control(c -> PgGuardLocks.inTransaction(c, "SET LOCAL lock_timeout = " + Math.max(lockTimeoutMillis, 5000) + ";" + lift));
                break;
            } catch (SQLException e) {
                if (!PgGuardLocks.lockConflict(e) || attempt >= RELEASE_ATTEMPTS) {
                    throw new CutoverException(Phase.ABORT, "could not lift the guard on " + endpoint + " after " + attempt
                            + " attempt(s): " + e.getMessage() + "; drop the triggers named " + name + " by hand", e);
                }
                long backoff = PgGuardLocks.releaseBackoffMillis(attempt);
                log.warn("lifting the guard on {} met a {}; attempt {} of {}, again in {} ms", endpoint,
                        PgGuardLocks.DEADLOCK.equals(e.getSQLState()) ? "deadlock" : "lock timeout", attempt, RELEASE_ATTEMPTS, backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CutoverException(Phase.ABORT, "interrupted while lifting the guard on " + endpoint
                            + "; drop the triggers named " + name + " by hand", e);
                }
            }
        }
        try {
            endpoint.control(c -> PgGuardLocks.inTransaction(c, "SET LOCAL lock_timeout = " + TIDY_LOCK_MILLIS + ";" + dropSql()));
        } catch (SQLException e) {
            if (PgGuardLocks.lockConflict(e)) {
                log.info("guard on {} lifted; its pass-through triggers {} stay until the next guard or finish(): a"
                        + " transaction holds one of their tables ({})", endpoint, name, e.getMessage());
            } else {
                log.warn("guard on {} lifted, but its pass-through triggers {} could not be dropped ({}); finish() drops them",
                        endpoint, name, e.getMessage());
            }
        }
    }

    // Drops every trigger of this guard and its function.
    private String dropSql() {
        StringBuilder drop = new StringBuilder();
        for (String t : tables) {
            drop.append("DROP TRIGGER IF EXISTS ").append(name).append(" ON ").append(qualified(t)).append(';');
        }
        return drop.append("DROP FUNCTION IF EXISTS ").append(schema).append('.').append(name).append("();").toString();
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: drops the guard's triggers and its function in one transaction, unless its
     * function refuses writes (the guard is engaged: that is for {@link #release()}). Each
     * {@code DROP TRIGGER} takes its table's {@code ACCESS EXCLUSIVE} lock: the wait for it is bounded
     * like the creation's, by the guard's lock timeout. A table still busy then leaves every trigger
     * in place (they pass every write) and a warning with the SQL that removes them; so does an
     * unreachable database. A later {@link #prepare()} creates them again.
     */
    @Override
    public void discardPrepared() {
        String function = (schema + "." + name + "()").replace("'", "''");
        String sql = "DO $d$ BEGIN IF NOT EXISTS (SELECT FROM pg_proc WHERE oid = to_regprocedure('" + function
                + "') AND prosrc LIKE '%RAISE%') THEN " + dropSql() + " END IF; END $d$;";
        try {
            endpoint.control(c -> PgGuardLocks.inTransaction(c, "SET LOCAL lock_timeout = " + Math.max(lockTimeoutMillis, PREPARE_LOCK_MILLIS)
                    + ";" + sql));
            log.debug("guard {}: what was prepared on {} is removed", name, endpoint);
        } catch (SQLException e) {
            log.warn("guard {}: its pass-through triggers stay on {} ({}): they refuse nothing, and finish() or the next guard"
                    + " removes them; to remove them now, run: {}", name, endpoint, e.getMessage(), dropSql());
        }
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

    @Override
    public String toString() {
        return "trigger guard " + name + " on " + endpoint;
    }
}
