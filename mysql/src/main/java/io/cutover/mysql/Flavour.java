package io.cutover.mysql;

import java.util.Locale;
import java.util.Objects;

/**
 * Which member of the MySQL family a server is. The two differ in what matters here: the
 * Debezium connector that can read their binlog, the privilege that lets a user read binlog
 * status, the read-only switches, and the GTID format.
 */
enum Flavour {
    /** Oracle MySQL 8.0 / 8.4. */
    MYSQL("MySQL", "io.debezium.connector.mysql.MySqlConnector", "REPLICATION CLIENT"),
    /** MariaDB 10.11 / 11.x. */
    MARIADB("MariaDB", "io.debezium.connector.mariadb.MariaDbConnector", "BINLOG MONITOR");

    private final String label;
    private final String connectorClass;
    private final String binlogMonitorPrivilege;

    Flavour(String label, String connectorClass, String binlogMonitorPrivilege) {
        this.label = label;
        this.connectorClass = connectorClass;
        this.binlogMonitorPrivilege = binlogMonitorPrivilege;
    }

    /**
     * Tells the flavour from a server's version string ({@code SELECT VERSION()}).
     * MariaDB always names itself there ({@code 11.4.5-MariaDB-log}, and behind a proxy that
     * fakes a 5.5.5 prefix, {@code 5.5.5-10.11.6-MariaDB}); MySQL never does.
     *
     * @param version the version string
     * @return the flavour
     * @throws NullPointerException if version is null
     */
    static Flavour fromVersion(String version) {
        Objects.requireNonNull(version, "version");
        return version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
    }

    /** Returns the Debezium connector class that captures from this flavour. */
    String connectorClass() {
        return connectorClass;
    }

    /** Returns the privilege that lets a user read binlog status ({@code SHOW BINARY LOG STATUS}). */
    String binlogMonitorPrivilege() {
        return binlogMonitorPrivilege;
    }

    /** Tells whether the server has {@code super_read_only} (MySQL) besides {@code read_only}. */
    boolean hasSuperReadOnly() {
        return this == MYSQL;
    }

    /**
     * Returns the statements that report the binlog file and offset now, newest syntax first:
     * MySQL 8.4 removed {@code SHOW MASTER STATUS} for {@code SHOW BINARY LOG STATUS} (8.2+);
     * MariaDB has {@code SHOW BINLOG STATUS} (10.5.2+).
     *
     * @return statements to try in order
     */
    java.util.List<String> binlogStatusSql() {
        return this == MARIADB ? java.util.List.of("SHOW BINLOG STATUS", "SHOW MASTER STATUS")
                : java.util.List.of("SHOW BINARY LOG STATUS", "SHOW MASTER STATUS");
    }

    /**
     * Translates a Connector/J {@code sslMode} into the connector's {@code database.ssl.mode}.
     *
     * @param connectorJMode DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY
     * @return the connector's value
     */
    String debeziumSslMode(String connectorJMode) {
        String mode = connectorJMode.toUpperCase(Locale.ROOT);
        if (this == MYSQL) {
            return mode.toLowerCase(Locale.ROOT);
        }
        switch (mode) {
            case "DISABLED":
                return "disable";
            case "VERIFY_CA":
                return "verify-ca";
            case "VERIFY_IDENTITY":
                return "verify-full";
            default:
                return "trust";
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
