package io.cutover.capture;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tells the errors a stream recovers from by retrying (a connection refused or reset, a server
 * restarting or shut down by an administrator, a failover, a lock timeout or deadlock) from those
 * retrying cannot fix (bad settings, missing privileges, a table without a primary key, a dropped
 * slot), by walking the error's causes. An SQLState decides when one is there; otherwise an
 * {@link IOException} or a driver's "transient"/"recoverable" exception type does; a few messages
 * of Debezium and the drivers, which wrap the cause away, are recognised by their text. Anything
 * else is fatal: a retry that cannot succeed would only hide the error. Stateless.
 */
final class TransientErrors {

    /** SQLStates that are transient whatever the database. */
    private static final Set<String> STATES = Set.of(
            "57P01", // admin_shutdown: "terminating connection due to administrator command"
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now: the server is starting or shutting down
            "40001", // serialization_failure; MySQL / MariaDB deadlock
            "40P01", // deadlock_detected
            "55P03", // lock_not_available (lock_timeout)
            "55006", // object_in_use: a slot still held by the walsender of a lost connection
            "53300", // too_many_connections
            "08S01", // MySQL / MariaDB communication link failure
            "70100", // MariaDB: connection killed
            "25006" // read_only_sql_transaction: a failover's new primary not yet writable
    );

    /** MySQL / MariaDB error codes that are transient. */
    private static final Set<Integer> ERROR_CODES = Set.of(
            1205, // lock wait timeout
            1213, // deadlock
            1053, // server shutdown in progress
            1927, // connection killed
            2002, 2003, 2006, 2013, // cannot connect, server gone away, lost connection
            1040 // too many connections
    );

    /** Texts of errors whose cause was wrapped away. */
    private static final String[] MESSAGES = {
        "connection reset", "connection refused", "broken pipe", "connection closed", "connection is closed",
        "terminating connection due to administrator command", "the database system is starting up",
        "the database system is shutting down", "an i/o error occurred", "database connection failed",
        "communications link failure", "failed to read next byte", "unexpected end of stream",
        "server shutdown in progress", "lock wait timeout", "deadlock", "is active for pid", "connection attempt failed",
        "no route to host", "socket closed",
        // Connector/J, when the server closed the connection under a cached statement or connection
        "no operations allowed after statement closed", "no operations allowed after connection closed",
    };

    /** SQLStates that are fatal even when their text looks transient (a slot that is gone, missing rights). */
    private static final Set<String> FATAL_STATES = Set.of("42704", "42501", "28000", "28P01", "55000", "42P01", "3D000");

    private TransientErrors() {
    }

    /**
     * Says why {@code error} is transient, in a few words for logs ("Connection reset").
     *
     * @param error the error, with its causes
     * @return the reason if retrying may fix it, empty if it is fatal
     */
    static Optional<String> reason(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        String transientReason = null;
        java.util.ArrayDeque<Throwable> chain = new java.util.ArrayDeque<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            chain.add(t);
            // What a clean-up suppressed is often the first sign of the lost connection.
            for (Throwable s : t.getSuppressed()) {
                if (seen.put(s, Boolean.TRUE) == null) {
                    chain.add(s);
                }
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && FATAL_STATES.contains(state)) {
                    return Optional.empty();
                }
                if (isTransient(sql)) {
                    transientReason = brief(t); // the deepest cause says it best ("Connection reset")
                    continue;
                }
            }
            if (t instanceof IOException || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof java.util.concurrent.TimeoutException || isKafkaRetriable(t) || matchesMessage(t)) {
                transientReason = brief(t);
            }
        }
        return Optional.ofNullable(transientReason);
    }

    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || STATES.contains(state))) {
            return true;
        }
        return ERROR_CODES.contains(e.getErrorCode()) && (state == null || !state.startsWith("42"));
    }

    // Debezium marks errors it expects to pass with Kafka Connect's RetriableException; by name, to
    // keep this class free of Kafka types.
    private static boolean isKafkaRetriable(Throwable t) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.apache.kafka.connect.errors.RetriableException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesMessage(Throwable t) {
        String m = t.getMessage();
        if (m == null) {
            return false;
        }
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        for (String s : MESSAGES) {
            if (lower.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** The first line of an error's message, or its type when it has none; never more than 200 characters. */
    static String brief(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        String line = nl >= 0 ? m.substring(0, nl) : m;
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
