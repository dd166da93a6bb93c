package io.cutover.postgres;

import io.cutover.PreflightException;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One PostgreSQL server and database as Cutover reaches it: for JDBC (applier, fences, guard,
 * checks) and for the Debezium connector. Immutable. {@link #toString()} never shows the password.
 */
final class PgEndpoint {

    final Side side;
    final String host;
    final int port;
    final String database;
    final String user;
    private final String password;
    private final PGSimpleDataSource dataSource;
    private final java.util.concurrent.locks.ReentrantLock controlLock = new java.util.concurrent.locks.ReentrantLock();
    private Connection control; // guarded by controlLock

    /** Work on the control connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    PgEndpoint(Side side, String host, int port, String database, String user, String password) {
        this.side = Objects.requireNonNull(side, "side");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.database = Objects.requireNonNull(database, "database");
        this.user = Objects.requireNonNull(user, "user");
        this.password = Objects.requireNonNull(password, "password");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(user);
        ds.setPassword(password);
        // Strings go untyped so the server casts them to json, uuid, enum, interval columns.
        ds.setStringType("unspecified");
        ds.setReWriteBatchedInserts(true);
        ds.setApplicationName("cutover");
        ds.setConnectTimeout(10);
        this.dataSource = ds;
    }

    /**
     * Runs short administrative work (guard, hand-off, slot set-up) on one connection kept open
     * for the purpose: opening a connection costs more than most of these steps, and they run
     * while writes are paused. Serialised; the work gets the connection in auto-commit mode and
     * must leave it so. A connection that broke since its last use is replaced once.
     *
     * @param work the work
     * @return its result
     * @throws SQLException if the work fails
     */
    <T> T control(SqlWork<T> work) throws SQLException {
        controlLock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                Connection c = control;
                boolean fresh = c == null || c.isClosed();
                if (fresh) {
                    c = dataSource.getConnection();
                    control = c;
                }
                try {
                    return work.apply(c);
                } catch (SQLException e) {
                    String state = e.getSQLState() == null ? "" : e.getSQLState();
                    boolean broken = state.startsWith("08") || state.equals("57P01") || c.isClosed();
                    if (!c.isClosed() && !c.getAutoCommit()) {
                        c.rollback();
                        c.setAutoCommit(true);
                    }
                    if (broken) {
                        closeControl();
                        if (!fresh && attempt == 1) {
                            continue;
                        }
                    }
                    throw e;
                }
            }
        } finally {
            controlLock.unlock();
        }
    }

    /** Closes the control connection; the next {@link #control} opens a new one. */
    void closeControl() {
        controlLock.lock();
        try {
            Connection c = control;
            control = null;
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // closing a broken connection
        } finally {
            controlLock.unlock();
        }
    }

    static PgEndpoint fromUrl(Side side, String url, String user, String password) {
        PGSimpleDataSource parsed = new PGSimpleDataSource();
        parsed.setURL(Objects.requireNonNull(url, "url"));
        String[] hosts = parsed.getServerNames();
        int[] ports = parsed.getPortNumbers();
        if (hosts == null || hosts.length != 1) {
            throw new IllegalArgumentException(side + " JDBC URL must name exactly one host");
        }
        int port = ports == null || ports.length == 0 || ports[0] == 0 ? 5432 : ports[0];
        return new PgEndpoint(side, hosts[0], port, parsed.getDatabaseName(), user, password);
    }

    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Opens a walsender connection ({@code replication=database}) that takes both replication
     * commands and SQL; the initial copy creates its slot on one, to export the slot's snapshot.
     *
     * @return an open replication connection
     * @throws SQLException if the server refuses (a role without REPLICATION, pg_hba.conf)
     */
    Connection replicationConnection() throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(user);
        ds.setPassword(password);
        ds.setReplication("database");
        // A walsender speaks the simple query protocol only.
        ds.setAssumeMinServerVersion("9.4");
        ds.setPreferQueryMode(org.postgresql.jdbc.PreferQueryMode.SIMPLE);
        ds.setApplicationName("cutover");
        ds.setConnectTimeout(10);
        return ds.getConnection();
    }

    String password() {
        return password;
    }

    /**
     * Opens a connection, turning failures into preflight errors that say what to fix.
     *
     * @return an open connection in auto-commit mode
     * @throws PreflightException if the server cannot be reached or refuses the login
     */
    Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new PreflightException(describeFailure(e), e);
        }
    }

    String describeFailure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if ("28P01".equals(state) || "28000".equals(state)) {
            return this + ": password authentication failed for user '" + user
                    + "'; check the user and password given for " + side;
        }
        if ("3D000".equals(state)) {
            return this + ": database '" + database + "' does not exist; create it or fix the database name";
        }
        if (state.startsWith("08")) {
            return "cannot reach " + this + " (" + e.getMessage() + "); check host and port, and that the server is running and accepts TCP connections";
        }
        return this + ": " + e.getMessage();
    }

    @Override
    public String toString() {
        return side + " PostgreSQL at " + host + ":" + port + "/" + database;
    }
}
