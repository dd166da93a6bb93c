package io.cutover.internal;

import io.cutover.ConnectionSwitcher;
import io.cutover.CutoverException;
import io.cutover.Side;
import io.cutover.WritePauser;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConnectionSwitcher}: a lease per connection, the live side and generation in one
 * volatile reference so a connection reads both at once, and a flip that only happens when the
 * pauser has drained every lease.
 */
public final class LeasingConnectionSwitcher implements ConnectionSwitcher {
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(LeasingConnectionSwitcher.class);

    /** The live side and how many flips led to it; replaced whole on a flip. */
    record Target(Side side, long generation) {
    }

    private final DataSource blue;
    private final DataSource green;
    private final WritePauser pauser;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object flipLock = new Object();
    private final DataSource readOnlyView = new ReadOnlyView();
    private volatile Target target;
    private volatile SwitcherMember member; // set once, before the switcher is handed out

    /**
     * Creates a switcher.
     *
     * @param blue blue's DataSource
     * @param green green's DataSource
     * @param pauser where leases come from
     * @param initialSide where to start
     */
    public LeasingConnectionSwitcher(DataSource blue, DataSource green, WritePauser pauser, Side initialSide) {
        this.blue = Objects.requireNonNull(blue, "blue");
        this.green = Objects.requireNonNull(green, "green");
        this.pauser = Objects.requireNonNull(pauser, "pauser");
        this.target = new Target(Objects.requireNonNull(initialSide, "initialSide"), 0);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return leased(null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return leased(Objects.requireNonNull(username, "username"), password);
    }

    private Connection leased(String username, String password) throws SQLException {
        checkOpen();
        WritePauser.Lease lease;
        try {
            lease = pauser.enter();
        } catch (CutoverException e) {
            throw new SQLTransientConnectionException(e.getMessage(), "08001", e);
        }
        try {
            Target t = target;
            SwitcherMember m = member;
            if (m != null) {
                m.checkBorrow(t.side());
            }
            DataSource ds = dataSource(t.side());
            Connection c = username == null ? ds.getConnection() : ds.getConnection(username, password);
            return SwitchedConnection.wrap(c, this, t, lease, false);
        } catch (SQLException | RuntimeException | Error e) {
            lease.close();
            throw e;
        }
    }

    private void checkOpen() throws SQLException {
        if (closed.get()) {
            throw new SQLException("ConnectionSwitcher is closed; it hands out no more connections", "08003");
        }
    }

    /**
     * Makes this switcher a member of a fleet; called once by the builder before the switcher is
     * handed out.
     *
     * @param fleetMember the member
     */
    public void attach(SwitcherMember fleetMember) {
        if (member != null) {
            throw new IllegalStateException("switcher is already a member of fleet '" + member.fleet() + "'");
        }
        this.member = Objects.requireNonNull(fleetMember, "fleetMember");
    }

    @Override
    public java.util.Optional<io.cutover.FleetMember> fleet() {
        return java.util.Optional.ofNullable(member);
    }

    /** The fleet member, or null. */
    SwitcherMember member() {
        return member;
    }

    /** Told of every statement that failed on a connection of this switcher. */
    void failed(SQLException e) {
        SwitcherMember m = member;
        if (m != null) {
            m.failed(e);
        }
    }

    /** Tells whether a connection taken in {@code generation} may still be used. */
    boolean isCurrent(long generation) {
        return target.generation() == generation;
    }

    /** Names the live side, for messages about stale connections. */
    Side liveSide() {
        return target.side();
    }

    @Override
    public Side current() {
        return target.side();
    }

    @Override
    public long generation() {
        return target.generation();
    }

    @Override
    public void flipTo(Side side) {
        Objects.requireNonNull(side, "side");
        synchronized (flipLock) {
            if (closed.get()) {
                throw new IllegalStateException("cannot flip a closed ConnectionSwitcher");
            }
            Target t = target;
            if (t.side() == side) {
                throw new IllegalStateException("cannot flip to " + side + ": it is already the current side");
            }
            if (!pauser.isPaused()) {
                throw new IllegalStateException("cannot flip to " + side
                        + ": writes are not paused; pause the WritePauser first so no connection to "
                        + t.side() + " is open");
            }
            int inFlight = pauser.inFlight();
            if (inFlight > 0) {
                throw new IllegalStateException("cannot flip to " + side + ": " + inFlight
                        + " write lease(s) still open on " + t.side());
            }
            target = new Target(side, t.generation() + 1);
        }
        log.info("switcher flipped {} -> {}", target.side().other(), side);
    }

    @Override
    public WritePauser pauser() {
        return pauser;
    }

    @Override
    public DataSource dataSource(Side side) {
        return Objects.requireNonNull(side, "side") == Side.BLUE ? blue : green;
    }

    @Override
    public DataSource readOnly() {
        return readOnlyView;
    }

    @Override
    public void close() {
        closed.set(true);
        SwitcherMember m = member;
        if (m != null) {
            m.close();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return dataSource(target.side()).getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        blue.setLogWriter(out);
        green.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        blue.setLoginTimeout(seconds);
        green.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return dataSource(target.side()).getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("ConnectionSwitcher logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        DataSource live = dataSource(target.side());
        if (iface.isInstance(live)) {
            return iface.cast(live);
        }
        return live.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        DataSource live = dataSource(target.side());
        return iface.isInstance(this) || iface.isInstance(live) || live.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        Target t = target;
        return "ConnectionSwitcher[" + t.side() + ", generation " + t.generation() + ", " + pauser.inFlight()
                + " leases in flight]";
    }

    /** Reads without a lease, from the live side, read-only. */
    private final class ReadOnlyView implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return readOnlyConnection(null, null);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return readOnlyConnection(Objects.requireNonNull(username, "username"), password);
        }

        private Connection readOnlyConnection(String username, String password) throws SQLException {
            checkOpen();
            Target t = target;
            DataSource ds = dataSource(t.side());
            Connection c = username == null ? ds.getConnection() : ds.getConnection(username, password);
            try {
                c.setReadOnly(true);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return SwitchedConnection.wrap(c, LeasingConnectionSwitcher.this, t, null, true);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return LeasingConnectionSwitcher.this.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            LeasingConnectionSwitcher.this.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            LeasingConnectionSwitcher.this.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return LeasingConnectionSwitcher.this.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return LeasingConnectionSwitcher.this.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return LeasingConnectionSwitcher.this.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return LeasingConnectionSwitcher.this.isWrapperFor(iface);
        }
    }
}
