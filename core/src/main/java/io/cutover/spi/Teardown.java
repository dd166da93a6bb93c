package io.cutover.spi;

import io.cutover.FinishIncompleteException;
import io.cutover.FinishReport;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The removals of one {@link io.cutover.ReplicationLink#finish finish}, as a dialect and the
 * capture host run them: each removal is tried on its own, so one that fails (a server down, a
 * privilege missing) does not stop the others, and each failure is kept with the exact SQL that
 * removes the object by hand. {@link #report()} then returns the {@link FinishReport}, or throws
 * {@link FinishIncompleteException} listing what is left.
 *
 * <p>Each side's connection is opened on first use through the DataSource given to
 * {@link #server}, prepared once (a lock timeout, say), and reused; when it does not open, every
 * removal on that side fails at once with that cause, so an unreachable server costs one connect
 * timeout. Used by one thread; {@link #close()} closes the connections.
 */
public final class Teardown implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Teardown.class);

    /** Removes one object through a side's connection. */
    @FunctionalInterface
    public interface Removal {
        /**
         * Removes the object if it is there.
         *
         * @param connection the side's connection, in auto-commit mode; leave it so
         * @return what was removed, as the report names it, or null when there was nothing to remove
         * @throws SQLException if the server refuses
         */
        String remove(Connection connection) throws SQLException;
    }

    /** Reads a side's state without removing anything (to report what is kept, say). */
    @FunctionalInterface
    public interface Lookup {
        /**
         * Reads what it needs.
         *
         * @param connection the side's connection, in auto-commit mode; leave it so
         * @throws SQLException if the server refuses
         */
        void look(Connection connection) throws SQLException;
    }

    /** Prepares a side's connection once, after it opens, or resets it before it is closed. */
    @FunctionalInterface
    public interface SessionSetup {
        /**
         * Prepares the session.
         *
         * @param connection the new connection
         * @throws SQLException if the server refuses
         */
        void prepare(Connection connection) throws SQLException;
    }

    private record Server(String label, DataSource dataSource, SessionSetup setup, SessionSetup reset) {
    }

    private final String link;
    private final Map<Side, Server> servers = new EnumMap<>(Side.class);
    private final Map<Side, Connection> connections = new EnumMap<>(Side.class);
    // A side whose connection would not open: later removals there fail at once with the same cause.
    private final Map<Side, SQLException> unreachable = new EnumMap<>(Side.class);
    private final Map<Side, List<String>> removed = new EnumMap<>(Side.class);
    private final List<String> leftInPlace = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();

    /**
     * Starts the removals of one link.
     *
     * @param link the link's name, as the report shows it
     * @throws NullPointerException if null
     */
    public Teardown(String link) {
        this.link = Objects.requireNonNull(link, "link");
        for (Side side : Side.values()) {
            removed.put(side, new ArrayList<>());
        }
    }

    /**
     * Refuses a finish while another link of the same migration is open: its stream is still
     * needed (a reverse link carrying writes back to the old side after a cutover, or a link a
     * running cutover is using), and finishing would remove its slot and control rows under it.
     *
     * @param link the link asked to finish
     * @param closed whether that link is closed already (a cutover closes the link it cut over)
     * @param open the migration's other links that are still open
     * @throws IllegalStateException if {@code open} is not empty; the message says which link to finish instead
     */
    public static void checkNoOtherLinkOpen(io.cutover.ReplicationLink link, boolean closed,
            java.util.Collection<? extends io.cutover.ReplicationLink> open) {
        if (open.isEmpty()) {
            return;
        }
        List<String> names = open.stream().map(Object::toString).sorted().toList();
        String others = String.join(", ", names) + (names.size() == 1 ? " is" : " are");
        if (closed) {
            throw new IllegalStateException("cannot finish " + link + ": it is closed (a cutover closes the link it"
                    + " cut over) and " + others + " still open and carrying the migration's writes; finish that one"
                    + " instead: cutover.reverseLink().orElseThrow().finish()");
        }
        throw new IllegalStateException("cannot finish " + link + ": " + others + " still open, so a cutover over this"
                + " link is running or has flipped and its reverse stream is still needed. After a cutover, finish the"
                + " reverse link (cutover.reverseLink().orElseThrow().finish()); while one runs, wait for execute() to"
                + " return; to abandon the migration, close the other link first");
    }

    /**
     * Says how to reach a side.
     *
     * @param side the side
     * @param label the server as messages name it, without credentials ("green PostgreSQL at db2:5432/shop")
     * @param dataSource where its connections come from
     * @param setup what each new connection runs first
     * @return this teardown
     * @throws NullPointerException if an argument is null
     */
    public Teardown server(Side side, String label, DataSource dataSource, SessionSetup setup) {
        return server(side, label, dataSource, setup, c -> { });
    }

    /**
     * Says how to reach a side, and how to undo the session's set-up before its connection is
     * closed: a pooled connection goes back to the application's pool.
     *
     * @param side the side
     * @param label the server as messages name it, without credentials ("green PostgreSQL at db2:5432/shop")
     * @param dataSource where its connections come from
     * @param setup what each new connection runs first
     * @param reset what the connection runs before it is closed; a failure is logged
     * @return this teardown
     * @throws NullPointerException if an argument is null
     */
    public Teardown server(Side side, String label, DataSource dataSource, SessionSetup setup, SessionSetup reset) {
        servers.put(Objects.requireNonNull(side, "side"), new Server(Objects.requireNonNull(label, "label"),
                Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(setup, "setup"),
                Objects.requireNonNull(reset, "reset")));
        return this;
    }

    /**
     * Reads a side's state without removing anything; a failure (the side unreachable) is logged,
     * not recorded: nothing was to be removed.
     *
     * @param side the side
     * @param lookup the reading
     * @throws IllegalStateException if {@link #server} was not called for the side
     */
    public void look(Side side, Lookup lookup) {
        Objects.requireNonNull(lookup, "lookup");
        Server server = server(side);
        try {
            lookup.look(connection(side));
        } catch (SQLException | RuntimeException e) {
            LOG.info("finish '{}': could not read the state of {}: {}", link, server.label(), e.getMessage());
        }
    }

    /**
     * Removes one object from a side, and records it as removed, or as remaining with the SQL that
     * removes it by hand when the side cannot be reached or refuses.
     *
     * @param side the side
     * @param what the object, for the failure's line ("replication slot cutover_orders_b2g")
     * @param byHand the SQL that removes it by hand
     * @param removal the removal
     * @return true if the removal did not fail (whether or not there was something to remove)
     * @throws IllegalStateException if {@link #server} was not called for the side
     */
    public boolean remove(Side side, String what, String byHand, Removal removal) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(byHand, "byHand");
        Objects.requireNonNull(removal, "removal");
        Server server = server(side);
        try {
            String done = removal.remove(connection(side));
            if (done != null) {
                removed.get(side).add(done);
                LOG.info("finish '{}': removed {} from {}", link, done, server.label());
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            failed(side, what, byHand, e);
            return false;
        }
    }

    /**
     * Records an object removed without a side's connection (a local file, say).
     *
     * @param side the side the object belongs to
     * @param what the object, as the report names it
     */
    public void removed(Side side, String what) {
        removed.get(Objects.requireNonNull(side, "side")).add(Objects.requireNonNull(what, "what"));
        LOG.info("finish '{}': removed {} ({})", link, what, side);
    }

    /**
     * Records an object kept on purpose.
     *
     * @param side the side it is on
     * @param what the object, why it stays, and how to remove it by hand
     */
    public void leftInPlace(Side side, String what) {
        String line = Objects.requireNonNull(side, "side") + ": " + Objects.requireNonNull(what, "what");
        leftInPlace.add(line);
        LOG.info("finish '{}': left in place on {}", link, line);
    }

    /**
     * Records an object that could not be removed.
     *
     * @param side the side it is on
     * @param what the object
     * @param byHand the SQL that removes it by hand
     * @param cause why it could not be removed
     */
    public void failed(Side side, String what, String byHand, Exception cause) {
        String label = server(side).label();
        String line = side + ": " + what + " on " + label + " (" + cause.getMessage() + "); by hand: " + byHand;
        failed.add(line);
        LOG.warn("finish '{}': could not remove {} from {}: {}", link, what, label, cause.getMessage());
    }

    /**
     * Returns the report of the removals so far.
     *
     * @return the report
     * @throws FinishIncompleteException if a removal failed; it carries this report and the failures
     */
    public FinishReport report() {
        FinishReport report = new FinishReport(link, removed.get(Side.BLUE), removed.get(Side.GREEN), leftInPlace);
        if (!failed.isEmpty()) {
            throw new FinishIncompleteException(report, failed);
        }
        return report;
    }

    private Server server(Side side) {
        Server server = servers.get(Objects.requireNonNull(side, "side"));
        if (server == null) {
            throw new IllegalStateException("no server given for " + side + "; call server(" + side + ", ...) first");
        }
        return server;
    }

    private Connection connection(Side side) throws SQLException {
        Connection c = connections.get(side);
        if (c != null && !c.isClosed()) {
            return c;
        }
        SQLException down = unreachable.get(side);
        if (down != null) {
            throw down;
        }
        Server server = server(side);
        try {
            c = server.dataSource().getConnection();
        } catch (SQLException e) {
            unreachable.put(side, e);
            throw e;
        }
        try {
            c.setAutoCommit(true);
            server.setup().prepare(c);
        } catch (SQLException | RuntimeException e) {
            quietlyClose(c);
            throw e;
        }
        connections.put(side, c);
        return c;
    }

    /** Closes the sides' connections. Idempotent. */
    @Override
    public void close() {
        connections.forEach((side, c) -> {
            try {
                if (!c.isClosed()) {
                    servers.get(side).reset().prepare(c);
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("finish '{}': could not reset the session on {}", link, side, e);
            }
            quietlyClose(c);
        });
        connections.clear();
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a finish connection", e);
        }
    }
}
