package io.cutover.postgres;

import io.cutover.PreflightException;
import io.cutover.Side;
import io.cutover.TlsMode;
import io.cutover.spi.ServerAddress;
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
    private final TlsMode tls;
    private final DataSource dataSource;
    private final java.util.concurrent.locks.ReentrantLock controlLock = new java.util.concurrent.locks.ReentrantLock();
    private Connection control; // guarded by controlLock

    /** Work on the control connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Creates the endpoint.
     *
     * @param side the side it is
     * @param address where it is and whom Cutover logs in as
     * @param tls how connections use TLS
     * @param given the user's DataSource for JDBC connections, or null to open them from the address
     */
    PgEndpoint(Side side, ServerAddress address, TlsMode tls, DataSource given) {
        this.side = Objects.requireNonNull(side, "side");
        this.host = address.host();
        this.port = address.port();
        this.database = address.database();
        this.user = address.user();
        this.password = address.password();
        this.tls = Objects.requireNonNull(tls, "tls");
        if (given != null) {
            this.dataSource = given;
            return;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(user);
        ds.setPassword(password);
        ds.setSslMode(sslMode(tls));
        // Strings go untyped so the server casts them to json, uuid, enum, interval columns.
        ds.setStringType("unspecified");
        ds.setReWriteBatchedInserts(true);
        ds.setApplicationName("cutover");
        ds.setConnectTimeout(10);
        // Through a frozen path the TCP handshake succeeds and the login's answer never comes.
        ds.setLoginTimeout(10);
        this.dataSource = ds;
    }

    /**
     * Maps a TLS mode to libpq's and pgjdbc's {@code sslmode}, which Debezium's
     * {@code database.sslmode} takes too.
     *
     * @param tls the mode
     * @return {@code disable}, {@code prefer}, {@code require}, {@code verify-ca} or {@code verify-full}
     */
    static String sslMode(TlsMode tls) {
        return switch (tls) {
            case DISABLE -> "disable";
            case PREFER -> "prefer";
            case REQUIRE -> "require";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_FULL -> "verify-full";
        };
    }

    /** Returns how connections to this side use TLS. */
    TlsMode tls() {
        return tls;
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

    /**
     * Reads host, port and database from a {@code jdbc:postgresql://} URL.
     *
     * @param side the side, for messages
     * @param url the URL
     * @param user the user
     * @param password the password
     * @return the address
     * @throws IllegalArgumentException if the URL is not PostgreSQL's or names other than one host
     */
    static ServerAddress parseUrl(Side side, String url, String user, String password) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(side + " JDBC URL must start with jdbc:postgresql:");
        }
        PGSimpleDataSource parsed = new PGSimpleDataSource();
        parsed.setURL(url);
        String[] hosts = parsed.getServerNames();
        int[] ports = parsed.getPortNumbers();
        if (hosts == null || hosts.length != 1) {
            throw new IllegalArgumentException(side + " JDBC URL must name exactly one host");
        }
        String database = parsed.getDatabaseName();
        if (database == null || database.isBlank()) {
            throw new IllegalArgumentException(side + " JDBC URL must name a database");
        }
        int port = ports == null || ports.length == 0 || ports[0] == 0 ? 5432 : ports[0];
        return new ServerAddress(hosts[0], port, database, user, password);
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
        ds.setSslMode(sslMode(tls));
        ds.setReplication("database");
        // A walsender speaks the simple query protocol only.
        ds.setAssumeMinServerVersion("9.4");
        ds.setPreferQueryMode(org.postgresql.jdbc.PreferQueryMode.SIMPLE);
        ds.setApplicationName("cutover");
        ds.setConnectTimeout(10);
        // Through a frozen path the TCP handshake succeeds and the login's answer never comes.
        ds.setLoginTimeout(10);
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
