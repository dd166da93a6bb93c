package io.cutover.internal;

import io.cutover.CutoverException;
import io.cutover.LiveSide;
import io.cutover.Phase;
import io.cutover.Side;
import io.cutover.spi.FleetAck;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetHeartbeat;
import io.cutover.spi.FleetSignal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FleetChannel} over the {@link FleetTables}: connections kept open and reopened after a
 * failure (so a poll every few milliseconds costs a query, not a login), the live side on both
 * databases, written durably, everything else on the home database through a connection of its own
 * whose commits the dialect may let skip the flush ({@link FleetSignal#relaxDurability}: a command or
 * ack lost in a server crash only aborts that cutover), and a dialect's {@link FleetSignal} for
 * wake-ups. Calls on one connection are serialized.
 */
public final class JdbcFleetChannel implements FleetChannel {
    private static final Logger log = LoggerFactory.getLogger(JdbcFleetChannel.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,60}");

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** One database: its DataSource and the connection the channel keeps to it. */
    private static final class Db {
        final Side side;
        final DataSource dataSource;
        private final FleetSignal relaxed; // null: keep the server's durability
        private Connection connection; // guarded by this
        private boolean tables; // guarded by this

        Db(Side side, DataSource dataSource, FleetSignal relaxed) {
            this.side = side;
            this.dataSource = Objects.requireNonNull(dataSource, side + " DataSource");
            this.relaxed = relaxed;
        }

        // The lock covers the database call on purpose: the connection is used by one call at a time.
        synchronized <T> T run(Work<T> work) throws SQLException {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = dataSource.getConnection();
                    connection.setAutoCommit(true);
                    if (relaxed != null) {
                        relaxed.relaxDurability(connection);
                    }
                }
                if (!tables) {
                    FleetTables.create(connection);
                    tables = true;
                }
                return work.run(connection);
            } catch (SQLException | RuntimeException e) {
                drop();
                throw e;
            }
        }

        synchronized void drop() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // already broken
                }
                connection = null;
            }
        }
    }

    private final String fleet;
    private final Db blue;
    private final Db green;
    /** Members, commands and acks: their own connection, whose commits need not wait for a flush. */
    private final Db signalling;
    private final Side home;
    private final FleetSignal signal;
    private final Duration pollInterval;
    private final String topic;
    private final List<AutoCloseable> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates the channel; nothing is touched until the first call.
     *
     * @param fleet the fleet's name
     * @param blue blue's DataSource
     * @param green green's DataSource
     * @param home the side holding members, commands and acks
     * @param signal wake-ups
     * @param pollInterval how often to look when not woken
     */
    public JdbcFleetChannel(String fleet, DataSource blue, DataSource green, Side home, FleetSignal signal, Duration pollInterval) {
        Objects.requireNonNull(fleet, "fleet");
        if (!NAME.matcher(fleet).matches()) {
            throw new IllegalArgumentException("fleet name must be 1 to 60 letters, digits, underscores or dashes, was '"
                    + fleet + "'");
        }
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isZero() || pollInterval.isNegative()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        if (blue == green) {
            throw new IllegalArgumentException("blue and green are the same DataSource; the live side must be on both databases");
        }
        this.fleet = fleet;
        this.blue = new Db(Side.BLUE, blue, null);
        this.green = new Db(Side.GREEN, green, null);
        this.home = Objects.requireNonNull(home, "home");
        this.signal = Objects.requireNonNull(signal, "signal");
        this.signalling = new Db(home, home == Side.BLUE ? blue : green, signal);
        this.pollInterval = pollInterval;
        this.topic = "cutover_fleet_" + fleet.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private Db db(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    private <T> T home(String what, Work<T> work) {
        try {
            return signalling.run(work);
        } catch (SQLException e) {
            throw new CutoverException(Phase.PAUSE, "fleet '" + fleet + "': could not " + what + " on " + home + " ("
                    + e.getMessage() + "); the fleet's members, commands and acks live there", e);
        }
    }

    @Override
    public String fleet() {
        return fleet;
    }

    @Override
    public Duration pollInterval() {
        return pollInterval;
    }

    @Override
    public void heartbeat(FleetHeartbeat beat) {
        home("write the heartbeat of " + beat.member(), c -> {
            FleetTables.heartbeat(c, fleet, beat);
            return null;
        });
    }

    @Override
    public List<FleetHeartbeat> members() {
        return home("read the members", c -> FleetTables.members(c, fleet));
    }

    @Override
    public Map<String, Duration> heartbeatAges() {
        return home("read the members' heartbeats", c -> FleetTables.heartbeatAges(c, fleet));
    }

    @Override
    public void leave(String member) {
        home("remove member " + member, c -> {
            FleetTables.leave(c, fleet, member);
            return null;
        });
    }

    @Override
    public FleetCommand publish(FleetCommand command) {
        return home("publish " + command.kind(), c -> {
            SQLException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                FleetCommand numbered = command.withSeq(FleetTables.latestSeq(c, fleet) + 1);
                try {
                    FleetTables.insertCommand(c, fleet, numbered);
                    signal.send(c, topic);
                    return numbered;
                } catch (SQLException e) {
                    String state = e.getSQLState();
                    if (state == null || !state.startsWith("23")) {
                        throw e;
                    }
                    last = e; // another coordinator took the number: take the next
                }
            }
            throw last;
        });
    }

    @Override
    public List<FleetCommand> commandsAfter(long seq) {
        return home("read commands", c -> FleetTables.commandsAfter(c, fleet, seq));
    }

    @Override
    public long latestSeq() {
        return home("read the latest command", c -> FleetTables.latestSeq(c, fleet));
    }

    @Override
    public void ack(FleetAck ack) {
        home("ack command " + ack.seq(), c -> {
            FleetTables.ack(c, fleet, ack);
            signal.send(c, topic);
            return null;
        });
    }

    @Override
    public List<FleetAck> acks(long seq) {
        return home("read acks", c -> FleetTables.acks(c, fleet, seq));
    }

    @Override
    public void prune(long seq) {
        int deleted = home("prune commands below " + seq, c -> FleetTables.prune(c, fleet, seq));
        if (deleted > 0) {
            log.debug("fleet '{}': pruned {} command(s) below {}", fleet, deleted, seq);
        }
    }

    @Override
    public Optional<LiveSide> readLiveSide() {
        LiveSide best = null;
        List<String> failures = new ArrayList<>();
        int answered = 0;
        for (Db db : List.of(blue, green)) {
            try {
                Optional<LiveSide> found = db.run(c -> FleetTables.readLive(c, fleet));
                answered++;
                if (found.isPresent() && found.get().newerThan(best)) {
                    best = found.get();
                }
            } catch (SQLException | RuntimeException e) {
                failures.add(db.side + ": " + e.getMessage());
                log.debug("fleet '{}': could not read the live side on {}", fleet, db.side, e);
            }
        }
        if (answered == 0) {
            throw new CutoverException(Phase.PREFLIGHT, "fleet '" + fleet + "': could not read the live side from either"
                    + " database (" + String.join("; ", failures) + ")");
        }
        return Optional.ofNullable(best);
    }

    @Override
    public void recordLiveSide(LiveSide live) {
        long at = System.currentTimeMillis();
        List<String> failures = new ArrayList<>();
        for (Db db : List.of(db(live.side()), db(live.side().other()))) {
            try {
                db.run(c -> {
                    FleetTables.writeLive(c, fleet, live, at);
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                failures.add(db.side + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new CutoverException(Phase.FLIP, "fleet '" + fleet + "': could not record the live side " + live
                    + " on both databases (" + String.join("; ", failures) + ")");
        }
    }

    @Override
    public AutoCloseable subscribe(Runnable wakeUp) {
        AutoCloseable handle = signal.listen(db(home).dataSource, topic, wakeUp);
        listeners.add(handle);
        return () -> {
            listeners.remove(handle);
            handle.close();
        };
    }

    @Override
    public void close() {
        for (AutoCloseable l : listeners) {
            try {
                l.close();
            } catch (Exception e) {
                log.debug("fleet '{}': closing a listener failed", fleet, e);
            }
        }
        listeners.clear();
        blue.drop();
        green.drop();
        signalling.drop();
    }

    @Override
    public String toString() {
        return "JdbcFleetChannel[" + fleet + ", home " + home + "]";
    }
}
