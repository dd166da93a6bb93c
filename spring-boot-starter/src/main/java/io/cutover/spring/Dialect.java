package io.cutover.spring;

import java.util.Locale;

/** The databases the starter can cut over between, and the module each needs on the classpath. */
public enum Dialect {
    /** PostgreSQL, through {@code io.cutover:cutover-postgres}. */
    POSTGRES("io.cutover.postgres.PostgresCutover", "cutover-postgres"),
    /** MySQL and MariaDB, through {@code io.cutover:cutover-mysql}. */
    MYSQL("io.cutover.mysql.MySqlCutover", "cutover-mysql");

    private final String factoryClass;
    private final String artifactId;

    Dialect(String factoryClass, String artifactId) {
        this.factoryClass = factoryClass;
        this.artifactId = artifactId;
    }

    /**
     * Returns the dialect a JDBC URL names.
     *
     * @param jdbcUrl the URL, may be null
     * @return POSTGRES for {@code jdbc:postgresql:}, MYSQL for {@code jdbc:mysql:} and {@code jdbc:mariadb:}
     * @throws IllegalStateException if the URL is null or of another database
     */
    public static Dialect fromUrl(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        throw new IllegalStateException("cannot tell the dialect from cutover.blue.url ("
                + (jdbcUrl == null ? "not set" : JdbcUrls.withoutParameters(jdbcUrl))
                + "): set cutover.dialect=postgres or mysql, or use a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL");
    }

    /**
     * Returns the dialect's factory class name, to check it is on the classpath.
     *
     * @return the fully qualified class name
     */
    String factoryClass() {
        return factoryClass;
    }

    /**
     * Returns the artifact that holds the dialect.
     *
     * @return the artifactId, in group {@code io.cutover}
     */
    String artifactId() {
        return artifactId;
    }
}
