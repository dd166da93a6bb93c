package io.cutover.mysql;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A plain, unpooled {@link DataSource} over an {@link Endpoint}, for the capture host's fence
 * writes and apply connections (it holds its apply connection open, so pooling would buy
 * nothing). Thread-safe.
 */
final class EndpointDataSource implements DataSource {
    private final Endpoint endpoint;

    EndpointDataSource(Endpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return endpoint.connect();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return endpoint.as(username, password).connect();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 5;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "DataSource " + endpoint.describe();
    }
}
