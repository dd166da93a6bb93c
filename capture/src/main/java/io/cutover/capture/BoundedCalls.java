package io.cutover.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Bounds every JDBC call on a connection the stream opens itself, so a path that keeps its
 * sockets open but passes no bytes (a frozen network, a hung server) fails the call instead of
 * blocking the stream's thread, or its recovery, forever.
 *
 * <p>Thread-safe (stateless).
 */
final class BoundedCalls {

    /** The shortest bound: a large batch or a lock wait on a healthy server stays well below it. */
    static final Duration MIN = Duration.ofSeconds(60);

    // pgjdbc and MariaDB Connector/J use the executor only to abort; running on the caller is enough.
    private static final Executor DIRECT = Runnable::run;

    private BoundedCalls() {
    }

    /**
     * The network timeout for a stream whose stall bound is {@code stallTimeout}: twice the stall
     * bound, and never below {@link #MIN}.
     *
     * @param stallTimeout the stream's stall bound
     * @return the timeout
     */
    static Duration forStall(Duration stallTimeout) {
        Duration twice = stallTimeout.multipliedBy(2);
        return twice.compareTo(MIN) < 0 ? MIN : twice;
    }

    /**
     * Sets the network timeout on {@code c}; a driver that does not support it leaves the
     * connection as it was.
     *
     * @param c the connection
     * @param timeout the bound of any one call
     * @return {@code c}
     * @throws SQLException if the connection is closed
     */
    static Connection bound(Connection c, Duration timeout) throws SQLException {
        try {
            c.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (java.sql.SQLFeatureNotSupportedException | UnsupportedOperationException | AbstractMethodError e) {
            // a driver without it: the watchdog's engine stop bound still applies
        }
        return c;
    }

    /**
     * Opens a connection from {@code ds} bounded for a stream whose stall bound is {@code stallTimeout}.
     *
     * @param ds the data source
     * @param stallTimeout the stream's stall bound
     * @return the bounded connection
     * @throws SQLException if the data source cannot connect
     */
    static Connection open(javax.sql.DataSource ds, Duration stallTimeout) throws SQLException {
        return openWithin(ds, forStall(stallTimeout));
    }

    /**
     * Opens a connection from {@code ds} whose every call is bounded by {@code timeout}.
     *
     * @param ds the data source
     * @param timeout the bound of any one call
     * @return the bounded connection
     * @throws SQLException if the data source cannot connect
     */
    static Connection openWithin(javax.sql.DataSource ds, Duration timeout) throws SQLException {
        Connection c = ds.getConnection();
        try {
            return bound(c, timeout);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
