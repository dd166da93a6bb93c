package io.cutover.mysql;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over an {@link Endpoint} that keeps a few idle connections for reuse.
 *
 * <p>Why: the fence, the AUTO_INCREMENT hand-off and the reverse stream's start position are
 * written inside the write pause, and a fresh login there costs ~10 ms without TLS and 0.6–1.5 s
 * with a TLS handshake to a MariaDB 11.4 that generated its own certificate. {@link #warmUp()}
 * (called from preflight) opens one ahead of time. A connection handed back in auto-commit mode
 * and still open is kept; one left in a transaction is closed, never reused. Thread-safe.
 */
final class EndpointDataSource implements DataSource, AutoCloseable {
    private static final int MAX_IDLE = 2;
    // A connection handed back this recently is lent without a ping (HikariCP's "alive bypass"):
    // the statements inside the write pause run on connections the warm-up used moments before,
    // and a ping is a round trip each. One that died since fails its statement, which the caller
    // treats like any failed statement (the cutover aborts, the stream retries).
    private static final long ALIVE_BYPASS_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

    /** An idle connection and when it was handed back ({@link System#nanoTime()}). */
    private record Idle(Connection connection, long since) {
    }

    private final Endpoint endpoint;
    private final DataSource given; // null: connect to the endpoint
    private final Deque<Idle> idle = new ArrayDeque<>(); // guarded by itself
    private boolean closed; // guarded by idle

    EndpointDataSource(Endpoint endpoint) {
        this(endpoint, null);
    }

    /**
     * Pools connections to an endpoint, opened from the given DataSource when there is one.
     *
     * @param endpoint the endpoint (for messages, and for connections when {@code given} is null)
     * @param given the user's DataSource for this side, or null
     */
    EndpointDataSource(Endpoint endpoint, DataSource given) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.given = given;
    }

    /** Returns the endpoint. */
    Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Opens a connection now and keeps it idle, so that the next {@link #getConnection()} costs
     * no login.
     *
     * @throws SQLException if the server refuses the login
     */
    void warmUp() throws SQLException {
        getConnection().close();
    }

    @Override
    public Connection getConnection() throws SQLException {
        while (true) {
            Idle i;
            synchronized (idle) {
                i = idle.pollFirst();
            }
            if (i == null) {
                return wrap(given != null ? given.getConnection() : endpoint.connect());
            }
            Connection c = i.connection();
            if (System.nanoTime() - i.since() < ALIVE_BYPASS_NANOS || c.isValid(2)) {
                return wrap(c);
            }
            quietlyClose(c);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return endpoint.as(username, password).connect();
    }

    private Connection wrap(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Handback(real));
    }

    // Hands the connection back on close() instead of closing it, when it is clean.
    private final class Handback implements InvocationHandler {
        private final Connection real;
        private boolean released;

        Handback(Connection real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    if (!released) {
                        released = true;
                        giveBack(real);
                    }
                    return null;
                case "isClosed":
                    return released || real.isClosed();
                case "unwrap":
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : real.unwrap((Class<?>) args[0]);
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy) || real.isWrapperFor((Class<?>) args[0]);
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "connection to " + endpoint.describe();
                default:
                    if (released) {
                        throw new SQLException("connection to " + endpoint.describe() + " is closed");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        }
    }

    private void giveBack(Connection real) {
        try {
            if (real.isClosed() || !real.getAutoCommit()) {
                quietlyClose(real);
                return;
            }
        } catch (SQLException e) {
            quietlyClose(real);
            return;
        }
        synchronized (idle) {
            if (!closed && idle.size() < MAX_IDLE) {
                idle.addFirst(new Idle(real, System.nanoTime()));
                return;
            }
        }
        quietlyClose(real);
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // Already broken; nothing to release.
        }
    }

    /** Closes the idle connections; connections in use close normally when handed back. Idempotent. */
    @Override
    public void close() {
        Deque<Idle> toClose;
        synchronized (idle) {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        toClose.forEach(i -> quietlyClose(i.connection()));
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
