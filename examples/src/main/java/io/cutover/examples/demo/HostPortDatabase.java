package io.cutover.examples.demo;

import java.net.URI;

/**
 * Host, port and database of a single-host JDBC URL such as {@code jdbc:mysql://db:3306/app}.
 *
 * @param host the host
 * @param port the port (the default when the URL has none)
 * @param database the database (schema)
 */
record HostPortDatabase(String host, int port, String database) {

    static HostPortDatabase parse(String jdbcUrl, int defaultPort) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (uri.getHost() == null || path.isEmpty()) {
            throw new IllegalArgumentException("need jdbc:<kind>://host[:port]/database, got "
                    + UrlText.withoutSecrets(jdbcUrl));
        }
        return new HostPortDatabase(uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort(), path);
    }
}
