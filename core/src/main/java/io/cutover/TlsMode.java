package io.cutover;

/**
 * How Cutover's own connections to a database use TLS, the same words for every dialect. Each
 * dialect maps it to its drivers and its connector: PostgreSQL's {@code sslmode} (pgjdbc and
 * Debezium's {@code database.sslmode}), MySQL's and MariaDB's {@code sslMode} (Connector/J) and
 * Debezium's {@code database.ssl.mode}.
 */
public enum TlsMode {
    /** No TLS. */
    DISABLE,
    /** TLS when the server offers it, plain otherwise; certificates are not checked. The default. */
    PREFER,
    /** TLS or no connection; certificates are not checked. */
    REQUIRE,
    /** TLS, and the server's certificate must be signed by a trusted authority. */
    VERIFY_CA,
    /** As {@link #VERIFY_CA}, and the certificate must name the host connected to. */
    VERIFY_FULL
}
