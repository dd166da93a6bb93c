package io.cutover.internal;

import io.cutover.WritePauser;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a {@link LeasingConnectionSwitcher} hands out: the pool's connection behind a proxy that
 * gives the write lease back on {@code close()} (once, also when the close itself fails) and
 * refuses every call, on the connection and on statements made from it, once the switcher has
 * flipped past the generation the connection was taken in. The drain makes a stale connection
 * impossible through the switcher; the check makes it impossible, full stop.
 */
final class SwitchedConnection implements InvocationHandler {
    // Proxy.newProxyInstance looks its class up and checks access on every call; a borrow is a hot
    // path, so each proxy class's constructor is looked up once.
    private static final Constructor<?> CONNECTION = proxyConstructor(Connection.class);
    private static final Constructor<?> STATEMENT = proxyConstructor(Statement.class);
    private static final Constructor<?> PREPARED = proxyConstructor(PreparedStatement.class);
    private static final Constructor<?> CALLABLE = proxyConstructor(CallableStatement.class);

    private final Connection delegate;
    private final LeasingConnectionSwitcher switcher;
    private final LeasingConnectionSwitcher.Target target;
    private final WritePauser.Lease lease; // null for read-only connections
    private final boolean readOnly;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Connection proxy; // set once in wrap, before the proxy escapes

    private SwitchedConnection(Connection delegate, LeasingConnectionSwitcher switcher,
            LeasingConnectionSwitcher.Target target, WritePauser.Lease lease, boolean readOnly) {
        this.delegate = delegate;
        this.switcher = switcher;
        this.target = target;
        this.lease = lease;
        this.readOnly = readOnly;
    }

    static Connection wrap(Connection delegate, LeasingConnectionSwitcher switcher,
            LeasingConnectionSwitcher.Target target, WritePauser.Lease lease, boolean readOnly) {
        SwitchedConnection handler = new SwitchedConnection(delegate, switcher, target, lease, readOnly);
        handler.proxy = (Connection) instantiate(CONNECTION, handler);
        return handler.proxy;
    }

    private static Constructor<?> proxyConstructor(Class<?> type) {
        Object sample = Proxy.newProxyInstance(SwitchedConnection.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> null);
        try {
            return sample.getClass().getConstructor(InvocationHandler.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Object instantiate(Constructor<?> constructor, InvocationHandler handler) {
        try {
            return constructor.newInstance(handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a JDBC proxy", e);
        }
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "close":
                close();
                return null;
            case "isClosed":
                return closed.get() || delegate.isClosed();
            case "equals":
                return self == args[0];
            case "hashCode":
                return System.identityHashCode(self);
            case "toString":
                return "SwitchedConnection[" + target.side() + (readOnly ? ", read-only" : "") + ", generation "
                        + target.generation() + (closed.get() ? ", closed" : "") + "]";
            case "unwrap":
                return unwrap((Class<?>) args[0]);
            case "isWrapperFor":
                Class<?> iface = (Class<?>) args[0];
                return iface.isInstance(self) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
            default:
                break;
        }
        checkUsable();
        Object result = callReporting(delegate, method, args);
        if (result instanceof Statement) {
            return wrapStatement((Statement) result);
        }
        return result;
    }

    private void close() throws SQLException {
        if (closed.compareAndSet(false, true)) {
            try {
                delegate.close();
            } finally {
                if (lease != null) {
                    lease.close();
                }
            }
        }
    }

    private Object unwrap(Class<?> iface) throws SQLException {
        if (iface.isInstance(proxy)) {
            return proxy;
        }
        if (iface.isInstance(delegate)) {
            return delegate;
        }
        return delegate.unwrap(iface);
    }

    void checkUsable() throws SQLException {
        if (closed.get()) {
            throw new SQLException("connection is closed", "08003");
        }
        if (!switcher.isCurrent(target.generation())) {
            throw new SQLException("connection was taken from " + target.side()
                    + " before the switcher flipped to " + switcher.liveSide()
                    + "; it refuses to run anything so no write reaches the old side. Get a new connection", "08003");
        }
    }

    private Object wrapStatement(Statement statement) {
        Constructor<?> type = statement instanceof CallableStatement ? CALLABLE
                : statement instanceof PreparedStatement ? PREPARED : STATEMENT;
        return instantiate(type, new GuardedStatement(statement));
    }

    /** Calls through, telling the switcher of a failure (a fleet member looks for a guard's refusal). */
    private Object callReporting(Object target, Method method, Object[] args) throws Throwable {
        try {
            return call(target, method, args);
        } catch (SQLException e) {
            switcher.failed(e);
            throw e;
        }
    }

    static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A statement that refuses to run once its connection is stale. */
    private final class GuardedStatement implements InvocationHandler {
        private final Statement statement;

        GuardedStatement(Statement statement) {
            this.statement = statement;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                case "isClosed":
                    return call(statement, method, args);
                case "getConnection":
                    return proxy;
                case "equals":
                    return self == args[0];
                case "hashCode":
                    return System.identityHashCode(self);
                case "toString":
                    return "GuardedStatement[" + statement + "]";
                case "unwrap":
                    Class<?> iface = (Class<?>) args[0];
                    return iface.isInstance(self) ? self : iface.isInstance(statement) ? statement : statement.unwrap(iface);
                case "isWrapperFor":
                    Class<?> wanted = (Class<?>) args[0];
                    return wanted.isInstance(self) || wanted.isInstance(statement) || statement.isWrapperFor(wanted);
                default:
                    checkUsable();
                    return callReporting(statement, method, args);
            }
        }
    }
}
