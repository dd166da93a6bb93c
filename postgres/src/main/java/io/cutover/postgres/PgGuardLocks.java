package io.cutover.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How the guard runs its statements on a table's lock: in one transaction, and, when the lock
 * wait ends in a deadlock or a lock timeout, whether and when to try again.
 */
final class PgGuardLocks {
    static final String DEADLOCK = "40P01";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private PgGuardLocks() {
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

    /** Runs the statements in one transaction on the connection, leaving it in autocommit. */
    static Void inTransaction(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            c.commit();
        } finally {
            restoreAutoCommit(c);
        }
        return null;
    }

    private static void restoreAutoCommit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
        }
    }
}
