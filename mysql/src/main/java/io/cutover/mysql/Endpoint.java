package io.cutover.mysql;

import io.cutover.TlsMode;
import io.cutover.spi.ServerAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * Where one database is and how to log in: host, port, schema, user and password. The password
 * never appears in {@link #toString()}, {@link #describe()} or a URL.
 *
 * @param host the host name or address
 * @param port the TCP port
 * @param database the schema (database) whose tables are replicated
 * @param user the user name
 * @param password the password
 * @param sslMode Connector/J's {@code sslMode}: {@code PREFERRED}, {@code REQUIRED},
 *     {@code VERIFY_IDENTITY} or {@code DISABLED}. Note that a TLS handshake with a server that
 *     generates its own certificate (MariaDB 11.4 without {@code ssl_cert}) was measured at
 *     0.6–1.5 s, against ~10 ms without TLS; the guard and fence connections are therefore opened
 *     before the pause.
 */
record Endpoint(String host, int port, String database, String user, String password, String sslMode) {

    /**
     * Creates an endpoint with {@code sslMode=PREFERRED}.
     *
     * @param host the host
     * @param port the port
     * @param database the schema
     * @param user the user
     * @param password the password
     */
    Endpoint(String host, int port, String database, String user, String password) {
        this(host, port, database, user, password, "PREFERRED");
    }

    /**
     * Creates the endpoint of an address.
     *
     * @param address where the server is and whom Cutover logs in as
     * @param tls how connections use TLS
     * @return the endpoint
     */
    static Endpoint of(ServerAddress address, TlsMode tls) {
        return new Endpoint(address.host(), address.port(), address.database(), address.user(), address.password(),
                sslMode(tls));
    }

    /**
     * Maps a TLS mode to Connector/J's {@code sslMode}.
     *
     * @param tls the mode
     * @return {@code DISABLED}, {@code PREFERRED}, {@code REQUIRED}, {@code VERIFY_CA} or {@code VERIFY_IDENTITY}
     */
    static String sslMode(TlsMode tls) {
        return switch (tls) {
            case DISABLE -> "DISABLED";
            case PREFER -> "PREFERRED";
            case REQUIRE -> "REQUIRED";
            case VERIFY_CA -> "VERIFY_CA";
            case VERIFY_FULL -> "VERIFY_IDENTITY";
        };
    }

    /**
     * Maps Connector/J's {@code sslMode} back to a TLS mode.
     *
     * @param sslMode one of Connector/J's five values
     * @return the mode
     * @throws IllegalArgumentException for another value
     */
    static TlsMode tlsMode(String sslMode) {
        for (TlsMode t : TlsMode.values()) {
            if (sslMode(t).equals(sslMode)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown sslMode '" + sslMode + "'");
    }

    /**
     * Validates the values.
     *
     * @throws NullPointerException if any text is null
     * @throws IllegalArgumentException if the port is out of range or a name is blank
     */
    Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sslMode, "sslMode");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
        if (host.isBlank() || database.isBlank() || user.isBlank()) {
            throw new IllegalArgumentException("host, database and user must not be blank");
        }
    }

    /**
     * Returns the same endpoint with another user.
     *
     * @param otherUser the user
     * @param otherPassword its password
     * @return the new endpoint
     */
    Endpoint as(String otherUser, String otherPassword) {
        return new Endpoint(host, port, database, otherUser, otherPassword, sslMode);
    }

    /** Returns a Connector/J URL without credentials. */
    String jdbcUrl() {
        return "jdbc:mysql://" + host + ":" + port + "/" + database;
    }

    /**
     * Opens a Connector/J connection tuned for applying: batched statements rewritten into
     * multi-row ones, TINYINT(1) and YEAR read as numbers.
     *
     * @return an open connection
     * @throws SQLException if the server refuses it
     */
    Connection connect() throws SQLException {
        return connect(new Properties());
    }

    /**
     * Opens a connection as {@link #connect()} does, with extra Connector/J properties (the bulk
     * copy's writer adds {@code allowLoadLocalInfile}).
     *
     * @param extra properties added to the usual ones
     * @return an open connection
     * @throws SQLException if the server refuses it
     */
    Connection connect(Properties extra) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("rewriteBatchedStatements", "true");
        // Autocommit and isolation changes are tracked locally instead of asked of the server.
        p.setProperty("useLocalSessionState", "true");
        p.setProperty("connectionTimeZone", "SERVER");
        p.setProperty("preserveInstants", "false");
        p.setProperty("sslMode", sslMode);
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("connectTimeout", "5000");
        p.setProperty("tinyInt1isBit", "false");
        p.setProperty("yearIsDateType", "false");
        p.setProperty("characterEncoding", "UTF-8");
        p.putAll(extra);
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    /** Returns {@code user@host:port/database}, for messages. */
    String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return describe();
    }
}
