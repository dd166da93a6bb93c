package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.spi.WriteGuard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database-side guard for the MySQL family: {@code SET GLOBAL read_only = ON}.
 *
 * <p>Who still gets through: on MariaDB, users with {@code READ_ONLY ADMIN} (which
 * {@code ALL ON *.*} includes); on MySQL, users with {@code SUPER} or {@code CONNECTION_ADMIN}.
 * That is how the reverse stream's applier writes to a guarded blue after the flip: it logs in as
 * a dedicated user holding that privilege, and preflight warns when the application's own user
 * holds it too. On MySQL the guard can add {@code super_read_only}, which stops even those users;
 * it is then only usable where nothing must write (no reverse stream).
 *
 * <p>{@code SET GLOBAL read_only} waits for sessions holding table locks
 * ({@code LOCK TABLES … WRITE}), and on MySQL for open write transactions too; MariaDB 11.4 does
 * not wait for those but refuses their {@code COMMIT} (tested), so no unprivileged write lands
 * after the guard either way. The wait is bounded: past {@code lockWait} the statement is killed
 * from a second connection and {@link #engage()} throws, leaving read_only as it was.
 * Thread-safe.
 */
final class ReadOnlyGuard implements WriteGuard, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyGuard.class);

    private final String label;
    private final Endpoint admin;
    private final java.util.function.Supplier<Flavour> flavours;
    private final Duration lockWait;
    private final boolean superReadOnly;
    private final AtomicBoolean engaged = new AtomicBoolean();
    private final Object lock = new Object();
    private Connection warm; // guarded by lock
    private long warmId; // guarded by lock: the server's id for warm, to cancel a waiting SET

    /**
     * Creates a guard; nothing is touched until {@link #engage()}.
     *
     * @param label the side, for messages ("blue")
     * @param admin a user allowed to {@code SET GLOBAL} ({@code SUPER} / {@code SYSTEM_VARIABLES_ADMIN})
     * @param flavour the server's flavour
     * @param lockWait how long engaging may wait for table locks and open transactions
     * @param superReadOnly also set {@code super_read_only} (MySQL only; blocks every writer)
     */
    ReadOnlyGuard(String label, Endpoint admin, Flavour flavour, Duration lockWait, boolean superReadOnly) {
        this(label, admin, constant(flavour), lockWait, superReadOnly);
        if (superReadOnly && !flavour.hasSuperReadOnly()) {
            throw new IllegalArgumentException(flavour + " has no super_read_only");
        }
    }

    /**
     * Creates a guard whose flavour is looked up when first needed; nothing is touched until
     * {@link #warmUp()} or {@link #engage()}.
     *
     * @param label the side, for messages ("blue")
     * @param admin a user allowed to set read_only
     * @param flavour supplies the server's flavour
     * @param lockWait how long engaging may wait for table locks and open transactions
     * @param superReadOnly also set {@code super_read_only} (MySQL only)
     */
    ReadOnlyGuard(String label, Endpoint admin, java.util.function.Supplier<Flavour> flavour, Duration lockWait,
            boolean superReadOnly) {
        this.label = Objects.requireNonNull(label, "label");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.flavours = Objects.requireNonNull(flavour, "flavour");
        this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative() || lockWait.isZero()) {
            throw new IllegalArgumentException("lockWait must be positive, was " + lockWait);
        }
        this.superReadOnly = superReadOnly;
    }

    private static java.util.function.Supplier<Flavour> constant(Flavour flavour) {
        Objects.requireNonNull(flavour, "flavour");
        return () -> flavour;
    }

    @Override
    public void engage() {
        synchronized (lock) {
            if (engaged.get()) {
                return;
            }
            long started = System.nanoTime();
            Flavour flavour = flavours.get();
            for (int attempt = 1; ; attempt++) {
                try (Statement st = statement()) {
                    long connectionId = warmId;
                    AtomicBoolean killed = new AtomicBoolean();
                    CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> kill(connectionId, killed),
                            CompletableFuture.delayedExecutor(lockWait.toMillis(), TimeUnit.MILLISECONDS));
                    try {
                        st.execute(superReadOnly ? "SET GLOBAL read_only = ON, GLOBAL super_read_only = ON"
                                : "SET GLOBAL read_only = ON");
                    } catch (SQLException e) {
                        killer.cancel(false);
                        if (!killed.get() && attempt == 1 && connectionLost(e)) {
                            // The warm connection died while idle (a server's wait_timeout, a restart):
                            // setting read_only again is harmless whether or not the SET got through.
                            LOG.debug("{}: guard connection lost, engaging again on a new one", label, e);
                            closeWarm();
                            continue;
                        }
                        undoIfHalfDone();
                        if (killed.get()) {
                            throw new CutoverException(Phase.GUARD, label + " " + flavour + ": SET GLOBAL read_only"
                                    + " still waiting after " + lockWait.toMillis() + " ms, so it was cancelled and"
                                    + " read_only left OFF; a session holds LOCK TABLES … WRITE or a long open"
                                    + " transaction (see SHOW PROCESSLIST on " + admin.host() + ":" + admin.port() + ")", e);
                        }
                        throw new CutoverException(Phase.GUARD, label + " " + flavour + ": could not set read_only as "
                                + admin.describe() + ": " + e.getMessage(), e);
                    }
                    killer.cancel(false);
                    engaged.set(true);
                    LOG.info("{} guard engaged (read_only=ON{}) in {} µs", label, superReadOnly ? ", super_read_only=ON" : "",
                            (System.nanoTime() - started) / 1000);
                    return;
                } catch (SQLException e) {
                    throw new CutoverException(Phase.GUARD, label + " " + flavour + ": cannot connect as "
                            + admin.describe() + " to engage the guard: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Runs what {@link #engage()} runs around its {@code SET} without setting anything: the warm
     * connection, the timer that would cancel a waiting {@code SET} (scheduled, then cancelled),
     * and one read of {@code @@global.read_only}, so that the first engage or release of a
     * process inside the write pause pays no first-use cost. Changes nothing on the server.
     *
     * @return whether the server is read-only now, whoever set it
     * @throws CutoverException (phase PREFLIGHT) if the server cannot be reached
     */
    boolean rehearse() {
        Flavour flavour = flavours.get();
        synchronized (lock) {
            for (int attempt = 1; ; attempt++) {
                try (Statement st = statement()) {
                    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(lockWait.toMillis(),
                            TimeUnit.MILLISECONDS)).cancel(false);
                    try (ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                        rs.next();
                        return rs.getBoolean(1);
                    }
                } catch (SQLException e) {
                    closeWarm();
                    if (attempt > 1 || !connectionLost(e)) {
                        throw new CutoverException(Phase.PREFLIGHT, label + " " + flavour + ": cannot reach the server as "
                                + admin.describe() + " for the write guard: " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /**
     * Opens the guard's connection ahead of time, so that {@link #engage()} inside the write
     * pause does not pay for a login (and a TLS handshake). Optional.
     *
     * @throws CutoverException (phase PREFLIGHT) if the server refuses the login
     */
    void warmUp() {
        Flavour flavour = flavours.get();
        synchronized (lock) {
            try {
                statement().close();
            } catch (SQLException e) {
                throw new CutoverException(Phase.PREFLIGHT, label + " " + flavour + ": cannot connect as "
                        + admin.describe() + " for the write guard: " + e.getMessage(), e);
            }
        }
    }

    // Must hold lock. Reuses the warm connection while the driver holds it open, else logs in
    // again; no round trip on a warm one (a statement that finds it dead retries on a new one).
    private Statement statement() throws SQLException {
        if (warm != null) {
            try {
                if (!warm.isClosed()) {
                    return warm.createStatement();
                }
            } catch (SQLException e) {
                LOG.debug("{}: warm guard connection unusable, reconnecting", label, e);
            }
            closeWarm();
        }
        warm = admin.connect();
        try (Statement st = warm.createStatement()) {
            warmId = connectionId(st);
        } catch (SQLException e) {
            closeWarm();
            throw e;
        }
        return warm.createStatement();
    }

    // Whether a statement failed because its connection is gone (not because the server refused it).
    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return e instanceof java.sql.SQLNonTransientConnectionException || e instanceof java.sql.SQLTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    private void closeWarm() {
        if (warm != null) {
            try {
                warm.close();
            } catch (SQLException e) {
                LOG.debug("{}: closing guard connection", label, e);
            }
            warm = null;
        }
    }

    /** Closes the guard's connection; the guard's state on the server is left as it is. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closeWarm();
        }
    }

    @Override
    public void release() {
        Flavour flavour = flavours.get();
        synchronized (lock) {
            // The warm connection when there is one: a login (and TLS handshake) here would sit
            // inside the write pause when the flip lifts the new side's guard.
            for (int attempt = 1; ; attempt++) {
                try (Statement st = statement()) {
                    // Turning read_only off turns super_read_only off too.
                    st.execute("SET GLOBAL read_only = OFF");
                    engaged.set(false);
                    LOG.info("{} guard released (read_only=OFF)", label);
                    return;
                } catch (SQLException e) {
                    closeWarm();
                    if (attempt > 1 || !connectionLost(e)) {
                        throw new CutoverException(Phase.ABORT, label + " " + flavour + ": could not lift read_only as "
                                + admin.describe() + ": " + e.getMessage() + "; run SET GLOBAL read_only = OFF by hand", e);
                    }
                }
            }
        }
    }

    @Override
    public boolean engaged() {
        return engaged.get();
    }

    /**
     * Reads whether the server is read-only now, whoever set it.
     *
     * @return the server's {@code @@global.read_only}
     * @throws CutoverException if the server cannot be asked
     */
    boolean serverReadOnly() {
        try (Connection c = admin.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new CutoverException(Phase.GUARD, label + ": cannot read read_only: " + e.getMessage(), e);
        }
    }

    private void undoIfHalfDone() {
        // The kill can race a SET that had just succeeded; never leave the guard half-engaged.
        try {
            if (serverReadOnly()) {
                release();
            }
        } catch (CutoverException e) {
            LOG.warn("{}: could not check or undo read_only after a failed engage", label, e);
        }
    }

    private void kill(long connectionId, AtomicBoolean killed) {
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            killed.set(true);
            st.execute("KILL QUERY " + connectionId);
        } catch (SQLException e) {
            LOG.warn("{}: could not cancel the waiting SET GLOBAL read_only (connection {})", label, connectionId, e);
        }
    }

    private static long connectionId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public String toString() {
        return label + " read_only guard";
    }
}
