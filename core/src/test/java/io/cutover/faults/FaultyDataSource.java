package io.cutover.faults;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that hands out another's connections and lets a test act at each commit:
 * fail it (nothing of the transaction commits), hold it (a slow or stuck server), or fail the
 * caller right after it (the work is durable, the caller believes it failed). This is how the
 * dialects' integration tests inject a crash before an apply commits, or a copy halted or failing
 * after a chunk, without a hook in production code: the test hands the wrapped DataSource to the
 * dialect builder's {@code dataSource(side, ...)}.
 *
 * <p>Each connection remembers the SQL prepared or executed on it (through
 * {@code prepareStatement}, {@code prepareCall} and its {@code Statement}s), so a hook can tell an
 * apply transaction (it wrote the offset row) from other work. {@code unwrap} reaches the driver's
 * connection, so driver extensions (PostgreSQL's COPY) work; commits still pass through here.
 * Thread-safe as the wrapped DataSource is.
 */
public final class FaultyDataSource implements DataSource {

    /** What a test does around a commit. Called on the committing thread. */
    public interface CommitHook {
        /**
         * Runs before the real commit.
         *
         * @param commit the connection's history and the committing thread
         * @throws SQLException to fail the commit; the transaction stays open, uncommitted
         */
        default void beforeCommit(Commit commit) throws SQLException {
        }

        /**
         * Runs after the real commit returned.
         *
         * @param commit the connection's history and the committing thread
         * @throws SQLException to fail the caller although the transaction committed
         */
        default void afterCommit(Commit commit) throws SQLException {
        }
    }

    /**
     * One commit.
     *
     * @param statements the distinct SQL prepared or executed on the connection since it opened, in order
     * @param thread the name of the committing thread
     */
    public record Commit(List<String> statements, String thread) {

        /**
         * Tells whether any statement on the connection mentions the text, ignoring case.
         *
         * @param text e.g. a table name
         * @return whether one does
         */
        public boolean mentions(String text) {
            String t = text.toLowerCase(Locale.ROOT);
            return statements.stream().anyMatch(s -> s.toLowerCase(Locale.ROOT).contains(t));
        }
    }

    private final DataSource real;
    private final CommitHook hook;
    private volatile boolean refusing;

    private FaultyDataSource(DataSource real, CommitHook hook) {
        this.real = Objects.requireNonNull(real, "real");
        this.hook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Wraps a DataSource.
     *
     * @param real where connections come from
     * @param hook what to do around each commit
     * @return the wrapper
     * @throws NullPointerException if an argument is null
     */
    public static FaultyDataSource wrap(DataSource real, CommitHook hook) {
        return new FaultyDataSource(real, hook);
    }

    /**
     * Makes new connections fail as an unreachable server's do (SQLState 08001), or succeed again;
     * connections already handed out are left alone.
     *
     * @param refuse true to refuse
     */
    public void refuseConnections(boolean refuse) {
        this.refusing = refuse;
    }

    @Override
    public Connection getConnection() throws SQLException {
        refuseIfAsked();
        return connection(real.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        refuseIfAsked();
        return connection(real.getConnection(username, password));
    }

    private void refuseIfAsked() throws SQLException {
        if (refusing) {
            throw new SQLException("Connection to localhost refused (refused by the test)", "08001");
        }
    }

    private Connection connection(Connection c) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new ConnectionHandler(c));
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final Connection connection;
        private final Set<String> statements = new LinkedHashSet<>(); // guarded by itself

        ConnectionHandler(Connection connection) {
            this.connection = connection;
        }

        void saw(Object sql) {
            if (sql instanceof String s) {
                synchronized (statements) {
                    statements.add(s);
                }
            }
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "commit" -> {
                    Commit commit;
                    synchronized (statements) {
                        commit = new Commit(List.copyOf(new ArrayList<>(statements)), Thread.currentThread().getName());
                    }
                    hook.beforeCommit(commit);
                    connection.commit();
                    hook.afterCommit(commit);
                    return null;
                }
                case "prepareStatement", "prepareCall" -> saw(args[0]);
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                default -> {
                }
            }
            Object result = call(connection, method, args);
            if (result instanceof Statement s && method.getName().equals("createStatement")) {
                return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                        (p, m, a) -> {
                            if (m.getName().startsWith("execute") || m.getName().equals("addBatch")) {
                                if (a != null && a.length > 0) {
                                    saw(a[0]);
                                }
                            } else if (m.getName().equals("getConnection")) {
                                return proxy;
                            }
                            return call(s, m, a);
                        });
            }
            return result;
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || real.isWrapperFor(iface);
    }
}
