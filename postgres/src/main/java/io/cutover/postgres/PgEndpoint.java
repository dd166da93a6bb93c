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
