package io.cutover.mysql;

import io.cutover.TlsMode;
import io.cutover.testservers.MariaDbServer;

/**
 * The accounts the integration tests create on a MariaDB server, each with only the privileges
 * the product documents for its role.
 */
final class Accounts {
    /** Captures the binlog (Debezium). */
    static final String CAPTURE = "cutover_capture";
    /** Applies changes, writes fences, moves counters. */
    static final String APPLY = "cutover_apply";
    /** The application's own user: plain DML on the schema. */
    static final String APP = "app";
    /** Password of every test account. */
    static final String PASSWORD = "Pw-0f-test";

    private Accounts() {
    }

    /**
     * Starts a cutover between two test servers, both as the apply account, TLS off.
     *
     * @param blue the blue server
     * @param green the green server
     * @param stateDir where the streams keep their schema history
     * @param db the schema on both
     * @param name the cutover's name
     * @param serverId the forward stream's replica id; the reverse one gets the next
     * @return the builder, for the test to add its tables and settings
     */
    static MySqlCutover.Builder cutover(MariaDbServer blue, MariaDbServer green, java.nio.file.Path stateDir, String db,
            String name, long serverId) {
        return MySqlCutover.builder()
                .name(name)
                .blue(blue.host(), blue.port(), db, APPLY, PASSWORD)
                .green(green.host(), green.port(), db, APPLY, PASSWORD)
                .tls(TlsMode.DISABLE)
                .stateDir(stateDir)
                .serverIds(serverId, serverId + 1);
    }

    /**
     * Creates the schema and the accounts on a server.
     *
     * @param server the server
     * @param database the schema
     */
    static void create(MariaDbServer server, String database) {
        server.exec("",
                "CREATE DATABASE IF NOT EXISTS " + database + " CHARACTER SET utf8mb4",
                "CREATE USER IF NOT EXISTS '" + CAPTURE + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '" + CAPTURE + "'@'%'",
                "CREATE USER IF NOT EXISTS '" + APPLY + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REPLICATION SLAVE, BINLOG MONITOR,"
                        + " READ_ONLY ADMIN, RELOAD, SHOW DATABASES ON *.* TO '" + APPLY + "'@'%'",
                "CREATE USER IF NOT EXISTS '" + APP + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + database + ".* TO '" + APP + "'@'%'");
    }

    /**
     * Returns an endpoint on a server for one of the accounts.
     *
     * @param server the server
     * @param database the schema
     * @param user the account
     * @return the endpoint
     */
    static Endpoint endpoint(MariaDbServer server, String database, String user) {
        // TLS off on loopback: MariaDB 11.4's self-generated certificate costs ~1 s per handshake.
        return new Endpoint(server.host(), server.port(), database, user, PASSWORD, "DISABLED");
    }
}
