package io.cutover.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} with no database: its connections accept any SQL, record it, and answer
 * queries with empty result sets. Put one on each side of a
 * {@link io.cutover.ConnectionSwitcher} to check, in a unit test, where a service's statements
 * went and that it closes its connections:
 *
 * <pre>{@code
 * RecordingDataSource blue = RecordingDataSource.named("blue");
 * RecordingDataSource green = RecordingDataSource.named("green");
 * ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
 * // ... run the service and a cutover ...
 * assertThat(green.statements()).extracting(RecordingDataSource.Executed::sql).contains("insert into orders ...");
 * assertThat(blue.openConnections()).isZero();
 * }</pre>
 *
 * <p>Statements executed on all recording DataSources share one sequence, so a test can order
 * what happened on blue against what happened on green. Thread-safe.
 */
public final class RecordingDataSource implements DataSource {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /**
     * One statement executed.
     *
     * @param sequence its place among all statements executed on any recording DataSource
     * @param dataSource the name of the DataSource it ran on
     * @param sql the SQL text
     * @param thread the name of the thread that ran it
     */
    public record Executed(long sequence, String dataSource, String sql, String thread) {
    }

    private final String name;
    private final List<Executed> statements = new ArrayList<>(); // guarded by this
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile SQLException nextFailure;

    private RecordingDataSource(String name) {
        this.name = name;
    }

    /**
     * Creates a DataSource.
     *
     * @param name its name, recorded with each statement ("blue", "green")
     * @return the DataSource
     * @throws NullPointerException if name is null
     */
    public static RecordingDataSource named(String name) {
        return new RecordingDataSource(Objects.requireNonNull(name, "name"));
    }

    /**
     * Returns the next number of the sequence shared by all recording DataSources, for a test that
     * marks a point (a flip) between statements.
     *
     * @return a number greater than every statement's sequence so far
     */
    public static long mark() {
        return SEQUENCE.incrementAndGet();
    }

    /**
     * Makes the next {@link #getConnection()} fail with this exception, as an unreachable database would.
     *
     * @param failure the exception to throw once
     */
    public void failNextConnection(SQLException failure) {
        this.nextFailure = Objects.requireNonNull(failure, "failure");
    }

    /**
     * Returns the statements executed so far.
     *
     * @return an immutable copy, in order
     */
    public synchronized List<Executed> statements() {
        return List.copyOf(statements);
    }

    /**
     * Returns how many connections are open now.
     *
     * @return the count
     */
    public int openConnections() {
        return open.get();
    }

    /**
     * Returns how many connections were ever handed out.
     *
     * @return the count
     */
    public int connectionsOpened() {
        return opened.get();
    }

    /**
     * Returns the name.
     *
     * @return the name given at creation
     */
    public String name() {
        return name;
    }

    private synchronized void record(String sql) {
        statements.add(new Executed(SEQUENCE.incrementAndGet(), name, sql, Thread.currentThread().getName()));
    }

    @Override
    public Connection getConnection() throws SQLException {
        SQLException failure = nextFailure;
        if (failure != null) {
            nextFailure = null;
            throw failure;
        }
        open.incrementAndGet();
        opened.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(RecordingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new FakeConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
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
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("RecordingDataSource does not log");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("RecordingDataSource does not wrap " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "RecordingDataSource[" + name + "]";
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        return null;
    }

    /** A connection that records SQL and answers queries with empty results. */
    private final class FakeConnection implements InvocationHandler {
        private boolean closed; // guarded by this
        private boolean readOnly; // guarded by this
        private boolean autoCommit = true; // guarded by this

        @Override
        public synchronized Object invoke(Object self, Method method, Object[] args) throws SQLException {
            String m = method.getName();
            if (m.equals("close")) {
                if (!closed) {
                    closed = true;
                    open.decrementAndGet();
                }
                return null;
            }
            if (m.equals("isClosed")) {
                return closed;
            }
            if (m.equals("toString")) {
                return "FakeConnection[" + name + "]";
            }
            if (m.equals("equals")) {
                return self == args[0];
            }
            if (m.equals("hashCode")) {
                return System.identityHashCode(self);
            }
            if (closed) {
                throw new SQLException("connection is closed", "08003");
            }
            switch (m) {
                case "setReadOnly":
                    readOnly = (Boolean) args[0];
                    return null;
                case "isReadOnly":
                    return readOnly;
                case "setAutoCommit":
                    autoCommit = (Boolean) args[0];
                    return null;
                case "getAutoCommit":
                    return autoCommit;
                case "isValid":
                    return true;
                case "commit":
                case "rollback":
                    record(m);
                    return null;
                case "createStatement":
                    return statement(Statement.class, null);
                case "prepareStatement":
                    return statement(PreparedStatement.class, (String) args[0]);
                default:
                    return defaultValue(method.getReturnType());
            }
        }

        private Object statement(Class<? extends Statement> type, String preparedSql) {
            return Proxy.newProxyInstance(RecordingDataSource.class.getClassLoader(), new Class<?>[] {type},
                    (self, method, args) -> {
                        String m = method.getName();
                        if (m.startsWith("execute")) {
                            String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
                            record(sql);
                            if (m.equals("executeQuery")) {
                                return emptyResultSet();
                            }
                            if (m.equals("executeUpdate") || m.equals("executeLargeUpdate")) {
                                // not a ternary: it would promote both arms to long
                                if (method.getReturnType() == long.class) {
                                    return Long.valueOf(1);
                                }
                                return Integer.valueOf(1);
                            }
                            if (m.equals("executeBatch")) {
                                return new int[0];
                            }
                            return false;
                        }
                        if (m.equals("toString")) {
                            return "FakeStatement[" + name + "]";
                        }
                        if (m.equals("hashCode")) {
                            return System.identityHashCode(self);
                        }
                        if (m.equals("equals")) {
                            return self == args[0];
                        }
                        return defaultValue(method.getReturnType());
                    });
        }

        private ResultSet emptyResultSet() {
            return (ResultSet) Proxy.newProxyInstance(RecordingDataSource.class.getClassLoader(),
                    new Class<?>[] {ResultSet.class}, (self, method, args) -> {
                        if (method.getName().equals("hashCode")) {
                            return System.identityHashCode(self);
                        }
                        if (method.getName().equals("equals")) {
                            return self == args[0];
                        }
                        return defaultValue(method.getReturnType());
                    });
        }
    }
}
