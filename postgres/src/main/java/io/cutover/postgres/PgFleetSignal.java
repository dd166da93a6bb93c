package io.cutover.postgres;

import io.cutover.spi.FleetSignal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's wake-ups on PostgreSQL: {@code pg_notify} after a command or an ack, and a thread per
 * listener holding one connection in {@code LISTEN}, waiting in the driver for notifications. A
 * lost connection is reopened after a second; members poll meanwhile. Thread-safe.
 */
final class PgFleetSignal implements FleetSignal {
    private static final Logger log = LoggerFactory.getLogger(PgFleetSignal.class);

    @Override
    public void send(Connection connection, String topic) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_notify(?, '')")) {
            ps.setString(1, topic);
            ps.execute();
        }
    }

    /** Commands, acks and heartbeats commit without waiting for the WAL flush; the live side's record still does. */
    @Override
    public void relaxDurability(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET synchronous_commit = off");
        }
    }

    @Override
    public AutoCloseable listen(DataSource dataSource, String topic, Runnable wakeUp) {
        AtomicBoolean open = new AtomicBoolean(true);
        Thread t = new Thread(() -> run(dataSource, topic, wakeUp, open), "cutover-fleet-listen-" + topic);
        t.setDaemon(true);
        t.start();
        return () -> {
            open.set(false);
            t.interrupt();
        };
    }

    private static void run(DataSource dataSource, String topic, Runnable wakeUp, AtomicBoolean open) {
        boolean warned = false;
        while (open.get()) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + topic); // topic is built from [a-z0-9_] only
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                warned = false;
                wakeUp.run(); // anything published while we were not listening
                while (open.get()) {
                    PGNotification[] got = pg.getNotifications(500);
                    if (got != null && got.length > 0) {
                        wakeUp.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!open.get()) {
                    return;
                }
                if (!warned) {
                    warned = true;
                    log.warn("fleet listener on '{}' lost its connection ({}); members poll until it is back", topic,
                            e.getMessage());
                }
                try {
                    Thread.sleep(1000); // back off before reconnecting
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
