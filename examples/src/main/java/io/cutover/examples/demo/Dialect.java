package io.cutover.examples.demo;

import java.util.Locale;

/**
 * The database families the demo can point at, told apart by their JDBC URL, with the column
 * types the demo's {@code users} table uses on each.
 */
enum Dialect {
    /** PostgreSQL, through {@code io.cutover.postgres.PostgresCutover}. */
    POSTGRES("bigint", "text"),
    /** MySQL and MariaDB, through {@code io.cutover.mysql.MySqlCutover}. */
    MYSQL("bigint", "varchar(200)");

    final String keyType;
    final String textType;

    Dialect(String keyType, String textType) {
        this.keyType = keyType;
        this.textType = textType;
    }

    /**
     * Tells the family from a JDBC URL.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:}, {@code jdbc:mysql:} or {@code jdbc:mariadb:} URL
     * @return the family
     * @throws IllegalArgumentException for any other URL
     */
    static Dialect of(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (" + UrlText.withoutSecrets(jdbcUrl)
                + "); use jdbc:postgresql://, jdbc:mysql:// or jdbc:mariadb://");
    }
}
