package io.cutover.spi;

import java.util.Objects;

/**
 * Where one database is and whom Cutover logs in as. {@link #toString()} never shows the password.
 *
 * @param host the host name or address, not blank
 * @param port the TCP port, 1 to 65535
 * @param database the database (PostgreSQL) or schema (MySQL, MariaDB), not blank
 * @param user the user, not blank
 * @param password its password; never logged
 */
public record ServerAddress(String host, int port, String database, String user, String password) {

    /**
     * Validates the values.
     *
     * @throws NullPointerException if a value is null, naming it
     * @throws IllegalArgumentException if the port is out of range or a name is blank
     */
    public ServerAddress {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
        }
        if (host.isBlank() || database.isBlank() || user.isBlank()) {
            throw new IllegalArgumentException("host, database and user must not be blank (were '" + host + "', '"
                    + database + "', '" + user + "')");
        }
    }

    /**
     * Tells whether both name the same database on the same server, whoever logs in.
     *
     * @param other another address
     * @return whether host, port and database are equal
     */
    public boolean sameDatabase(ServerAddress other) {
        return host.equalsIgnoreCase(other.host) && port == other.port && database.equals(other.database);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
