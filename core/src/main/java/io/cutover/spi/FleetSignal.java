package io.cutover.spi;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Fast wake-ups for the JDBC {@link FleetChannel}, supplied by a dialect: PostgreSQL sends
 * {@code NOTIFY} after a command or an ack and keeps a {@code LISTEN}ing connection; databases
 * without such a thing use {@link #NONE} and members poll.
 */
public interface FleetSignal {

    /** No signals: members poll at the channel's interval. */
    FleetSignal NONE = new FleetSignal() {
        @Override
        public void send(Connection connection, String topic) {
        }

        @Override
        public AutoCloseable listen(DataSource dataSource, String topic, Runnable wakeUp) {
            return () -> { };
        }
    };

    /**
     * Sends a signal on a connection to the home database, after the row it announces was written.
     *
     * @param connection a connection in auto-commit mode
     * @param topic the fleet's topic
     * @throws SQLException if the database refuses
     */
    void send(Connection connection, String topic) throws SQLException;

    /**
     * Prepares the connection that carries heartbeats, commands and acks (never the live side's
     * record) so its commits need not wait for the server to flush them: a command or an ack lost
     * in a crash only aborts that cutover, and a flush is most of a round trip's cost. Called once
     * per new connection, in auto-commit mode. By default does nothing.
     *
     * @param connection a new connection to the home database
     * @throws SQLException if the database refuses
     */
    default void relaxDurability(Connection connection) throws SQLException {
    }

    /**
     * Starts listening on the home database, calling {@code wakeUp} on every signal, until closed.
     * A lost connection is reopened; meanwhile members still poll.
     *
     * @param dataSource the home database
     * @param topic the fleet's topic
     * @param wakeUp what to call; returns quickly
     * @return a handle that stops listening
     */
    AutoCloseable listen(DataSource dataSource, String topic, Runnable wakeUp);
}
