package io.cutover.spi;

import io.cutover.ReplicationLink;
import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.TlsMode;
import io.cutover.transform.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The settings every dialect's builder has, under the same names: the cutover's name, blue and
 * green (by host, port and database, or by JDBC URL), the tables and their transforms, TLS, the
 * sequence / AUTO_INCREMENT headroom, the timeouts, the initial copy and its parallelism, and
 * the DataSource each side's JDBC connections come from. A dialect's builder extends this and
 * adds only what its database alone needs, documented there as extra.
 *
 * <p>Validates as it goes: a null argument throws {@link NullPointerException} naming it, a bad
 * value {@link IllegalArgumentException}; settings that conflict are reported by
 * {@link #settings()} (so by the dialect's {@code build()}) as {@link IllegalStateException}.
 * Not thread-safe.
 *
 * @param <B> the dialect's builder, returned by every setter
 */
public abstract class DialectBuilder<B extends DialectBuilder<B>> {

    /** Sequence / AUTO_INCREMENT headroom unless {@link #sequenceHeadroom(long)} says otherwise. */
    public static final long DEFAULT_SEQUENCE_HEADROOM = 1000;

    /** How long a stream retries transient errors unless {@link #recoveryBudget(Duration)} says otherwise. */
    public static final Duration DEFAULT_RECOVERY_BUDGET = Duration.ofMinutes(5);

    /** How long a streaming stream may hear nothing from its source unless {@link #stallTimeout(Duration)} says otherwise. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    /** The shortest stall bound {@link #stallTimeout(Duration)} accepts: above the connectors' heartbeat intervals. */
    public static final Duration MIN_STALL_TIMEOUT = Duration.ofSeconds(10);

    private String name = "cutover";
    private ServerAddress blue;
    private ServerAddress green;
    private final Map<Side, DataSource> dataSources = new EnumMap<>(Side.class);
    private final List<String> tables = new ArrayList<>();
    private final Map<String, RowTransform> forward = new LinkedHashMap<>();
    private final Map<String, RowTransform> reverse = new LinkedHashMap<>();
    private final Map<String, String> greenNames = new LinkedHashMap<>();
    private TlsMode tls = TlsMode.PREFER;
    private long sequenceHeadroom = DEFAULT_SEQUENCE_HEADROOM;
    private Duration startTimeout = Duration.ofSeconds(60);
    private Duration guardLockTimeout = Duration.ofSeconds(2);
    private int copyParallelism;
    private boolean initialCopy = true;
    private Duration recoveryBudget = DEFAULT_RECOVERY_BUDGET;
    private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;

    /**
     * Starts a builder.
     *
     * @param defaultCopyParallelism the dialect's default for {@link #copyParallelism(int)}, 1 to 64
     */
    protected DialectBuilder(int defaultCopyParallelism) {
        this.copyParallelism = checkParallelism(defaultCopyParallelism);
    }

    /**
     * Returns this builder as its own type.
     *
     * @return {@code this}
     */
    protected abstract B self();

    /**
     * Checks a cutover name against what the dialect can name its objects after.
     *
     * @param name the name, not null
     * @throws IllegalArgumentException if the dialect cannot use it
     */
    protected abstract void checkName(String name);

    /**
     * Checks a table name, on either side, against what the dialect accepts.
     *
     * @param table the name, not null
     * @throws IllegalArgumentException if the dialect cannot use it
     */
    protected abstract void checkTable(String table);

    /**
     * Reads host, port and database from one of the dialect's JDBC URLs.
     *
     * @param side the side it is for (for messages)
     * @param jdbcUrl the URL, not null
     * @param user the user
     * @param password the password
     * @return the address
     * @throws IllegalArgumentException if the URL is not one of the dialect's or names no single host and database
     */
    protected abstract ServerAddress parseUrl(Side side, String jdbcUrl, String user, String password);

    /**
     * Names the cutover; the dialect names its streams, slots and server-side rows after it. Two
     * cutovers on one server need different names. Default {@code cutover}.
     *
     * @param name the name; what the dialect accepts is on its builder
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if the dialect cannot use it
     */
    public B name(String name) {
        checkName(Objects.requireNonNull(name, "name"));
        this.name = name;
        return self();
    }

    /**
     * Sets the blue (starting) database and whom Cutover logs in as there.
     *
     * @param host host name or address
     * @param port TCP port, 1 to 65535
     * @param database the database (PostgreSQL) or schema (MySQL, MariaDB) holding the tables
     * @param user the cutover user (privileges on the dialect's builder)
     * @param password its password; never logged
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the port is out of range or a name is blank
     */
    public B blue(String host, int port, String database, String user, String password) {
        this.blue = new ServerAddress(host, port, database, user, password);
        return self();
    }

    /**
     * Sets the blue database by JDBC URL. Only the URL's host, port and database are used; TLS
     * and the rest come from this builder.
     *
     * @param jdbcUrl the dialect's JDBC URL, without credentials
     * @param user the cutover user
     * @param password its password; never logged
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the URL is not the dialect's or names no single host
     */
    public B blue(String jdbcUrl, String user, String password) {
        this.blue = parseUrl(Side.BLUE, Objects.requireNonNull(jdbcUrl, "jdbcUrl"), Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(password, "password"));
        return self();
    }

    /**
     * Sets the green (destination) database and whom Cutover logs in as there.
     *
     * @param host host name or address
     * @param port TCP port, 1 to 65535
     * @param database the database (PostgreSQL) or schema (MySQL, MariaDB) holding the tables
     * @param user the cutover user
     * @param password its password; never logged
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the port is out of range or a name is blank
     */
    public B green(String host, int port, String database, String user, String password) {
        this.green = new ServerAddress(host, port, database, user, password);
        return self();
    }

    /**
     * Sets the green database by JDBC URL. Only the URL's host, port and database are used.
     *
     * @param jdbcUrl the dialect's JDBC URL, without credentials
     * @param user the cutover user
     * @param password its password; never logged
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the URL is not the dialect's or names no single host
     */
    public B green(String jdbcUrl, String user, String password) {
        this.green = parseUrl(Side.GREEN, Objects.requireNonNull(jdbcUrl, "jdbcUrl"), Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(password, "password"));
        return self();
    }

    /**
     * Takes a side's JDBC connections from this DataSource instead of opening them from the
     * address and credentials: your own pool, or one that logs in with short-lived tokens (IAM).
     * Applying changes, fences and the hand-off use it, and the dialect's builder says what else
     * does and which session settings its connections need; the change capture itself
     * (replication protocol, binlog) still logs in with {@link #blue(String, int, String, String,
     * String) blue(...)} / {@code green(...)}, so those stay required, for the same database and user.
     *
     * @param side the side
     * @param dataSource where that side's connections come from; Cutover closes every connection it takes
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public B dataSource(Side side, DataSource dataSource) {
        dataSources.put(Objects.requireNonNull(side, "side"), Objects.requireNonNull(dataSource, "dataSource"));
        return self();
    }

    /**
     * Adds tables to replicate, as blue names them, each with a primary key on both sides. Green
     * has the same names unless a transform says otherwise
     * ({@link #transform(String, RowTransform, RowTransform)}).
     *
     * @param names unqualified table names
     * @return this builder
     * @throws NullPointerException if a name is null
     * @throws IllegalArgumentException if a name is repeated or the dialect cannot use it
     */
    public B tables(String... names) {
        Objects.requireNonNull(names, "names");
        for (String t : names) {
            checkTable(Objects.requireNonNull(t, "table"));
            if (tables.contains(t)) {
                throw new IllegalArgumentException("table '" + t + "' given twice");
            }
            tables.add(t);
        }
        return self();
    }

    /**
     * Sets a table's transforms: blue to green, and green to blue for the reverse stream.
     * Green's name of the table is {@code blueToGreen}'s {@link TableMapping#targetTable()} when
     * it is a {@link TableMapping} (so {@code Transforms.forTable("users").renameTable("accounts")}
     * replicates {@code users} on blue with {@code accounts} on green, both ways), the same name
     * otherwise; a plain lambda that renames the table needs
     * {@link #transform(String, String, RowTransform, RowTransform)}.
     *
     * @param table a table added with {@link #tables}, as blue names it
     * @param blueToGreen applied to every change going to green
     * @param greenToBlue applied to every change coming back to blue
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a {@link TableMapping} given reads or writes other tables
     */
    public B transform(String table, RowTransform blueToGreen, RowTransform greenToBlue) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(blueToGreen, "blueToGreen");
        return transform(table, SideTables.greenName(table, blueToGreen), blueToGreen, greenToBlue);
    }

    /**
     * Sets a table's transforms and its name on green, where green names it differently. Every
     * part of the cutover that touches green (the reverse stream, preflight, the guard after a
     * rollback, the sequence / AUTO_INCREMENT hand-off) then uses {@code greenTable}; the rows
     * {@code blueToGreen} returns must name it too.
     *
     * @param blueTable a table added with {@link #tables}, as blue names it
     * @param greenTable the same table as green names it
     * @param blueToGreen applied to every change going to green
     * @param greenToBlue applied to every change coming back to blue
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the dialect cannot use {@code greenTable}, or a
     *     {@link TableMapping} given reads or writes other tables
     */
    public B transform(String blueTable, String greenTable, RowTransform blueToGreen, RowTransform greenToBlue) {
        Objects.requireNonNull(blueTable, "blueTable");
        Objects.requireNonNull(greenTable, "greenTable");
        Objects.requireNonNull(blueToGreen, "blueToGreen");
        Objects.requireNonNull(greenToBlue, "greenToBlue");
        checkTable(greenTable);
        SideTables.checkNames(blueTable, greenTable, blueToGreen, greenToBlue);
        forward.put(blueTable, blueToGreen);
        reverse.put(blueTable, greenToBlue);
        greenNames.put(blueTable, greenTable);
        return self();
    }

    /**
     * Sets how Cutover's connections (JDBC and the change capture) use TLS on both sides
     * (default {@link TlsMode#PREFER}).
     *
     * @param mode the mode
     * @return this builder
     * @throws NullPointerException if null
     */
    public B tls(TlsMode mode) {
        this.tls = Objects.requireNonNull(mode, "tls");
        return self();
    }

    /**
     * Sets how far past the source's value the target's sequences (PostgreSQL) or AUTO_INCREMENT
     * counters (MySQL, MariaDB) are moved at the hand-off (default {@value #DEFAULT_SEQUENCE_HEADROOM}).
     * They are moved so at the end of preflight already, while writes flow; inside the write pause
     * a counter is moved again only if the source handed out more ids than this since then (for
     * MySQL that is an {@code ALTER TABLE} inside the pause), so size it above what the source
     * hands out in a few seconds.
     *
     * @param headroom zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public B sequenceHeadroom(long headroom) {
        if (headroom < 0) {
            throw new IllegalArgumentException("sequenceHeadroom must not be negative, was " + headroom);
        }
        this.sequenceHeadroom = headroom;
        return self();
    }

    /**
     * Sets how long a stream's start may take before it fails (default 60 s).
     *
     * @param timeout positive
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if not positive
     */
    public B startTimeout(Duration timeout) {
        this.startTimeout = positive(timeout, "startTimeout");
        return self();
    }

    /**
     * Sets how long engaging the write guard may wait for locks held by open writes (default
     * 2 s); past it the guard gives up and the cutover aborts.
     *
     * @param timeout positive
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if not positive
     */
    public B guardLockTimeout(Duration timeout) {
        this.guardLockTimeout = positive(timeout, "guardLockTimeout");
        return self();
    }

    /**
     * Sets how many workers the initial copy may use at once, each with its own connections on
     * both sides; every worker reads the same snapshot, so the copy is consistent whatever the
     * number. The dialect's default, and how it uses them, is on its builder.
     *
     * @param workers 1 to 64
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public B copyParallelism(int workers) {
        this.copyParallelism = checkParallelism(workers);
        return self();
    }

    /**
     * Sets whether the forward stream first copies blue's existing rows (default true). Turn it
     * off when green is already seeded up to the moment the stream starts.
     *
     * @param initialCopy whether to copy
     * @return this builder
     */
    public B initialCopy(boolean initialCopy) {
        this.initialCopy = initialCopy;
        return self();
    }

    /**
     * Sets how long a stream keeps retrying after a transient error (connection refused or reset,
     * a server restarting or shut down by an administrator, a failover, a lock timeout or
     * deadlock, on its source or its target) before it fails for good (default 5 minutes). While
     * it retries the stream is {@code RECOVERING}, resuming from the offsets stored on its target,
     * and a cutover refuses to start. Errors that retrying cannot fix (bad settings, missing
     * privileges, a table without a primary key, a dropped slot) fail the stream at once.
     *
     * @param budget positive
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if not positive
     */
    public B recoveryBudget(Duration budget) {
        this.recoveryBudget = positive(budget, "recoveryBudget");
        return self();
    }

    /**
     * Sets how long a streaming stream may hear nothing from its source (no change and no
     * heartbeat: the connectors send one every few seconds on an idle source) before it takes the
     * connection for stalled (a server or a middlebox that stopped sending without closing it),
     * logs why and replaces its engine through its recovery, resuming from the offsets stored on
     * its target (default 30 s).
     *
     * @param timeout at least {@link #MIN_STALL_TIMEOUT} (10 s), so that heartbeats keep a healthy idle stream heard
     * @return this builder
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if shorter than 10 s
     */
    public B stallTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "stallTimeout");
        if (timeout.compareTo(MIN_STALL_TIMEOUT) < 0) {
            throw new IllegalArgumentException("stallTimeout must be at least " + MIN_STALL_TIMEOUT.toSeconds()
                    + " s (above the connectors' heartbeat interval, or an idle healthy stream would restart), was " + timeout);
        }
        this.stallTimeout = timeout;
        return self();
    }

    /**
     * Checks the settings together and copies them; the dialect's {@code build()} starts here.
     *
     * @return the settings
     * @throws IllegalStateException if blue, green or the tables are missing, blue and green are
     *     the same database, a transform names a table not replicated, or two tables have the
     *     same green name
     */
    protected final DialectSettings settings() {
        if (blue == null || green == null) {
            throw new IllegalStateException("both blue(...) and green(...) must be set");
        }
        if (tables.isEmpty()) {
            throw new IllegalStateException("no tables to replicate; call tables(...)");
        }
        if (blue.sameDatabase(green)) {
            throw new IllegalStateException("blue and green are the same database (" + blue.host() + ":" + blue.port()
                    + "/" + blue.database() + ")");
        }
        for (String t : forward.keySet()) {
            if (!tables.contains(t)) {
                throw new IllegalStateException("transform given for table '" + t + "', which is not among the tables "
                        + tables + "; add it with tables(...)");
            }
        }
        return new DialectSettings(name, blue, green, dataSources, new SideTables(tables, greenNames, forward, reverse),
                tls, sequenceHeadroom, startTimeout, guardLockTimeout, copyParallelism, initialCopy, recoveryBudget, stallTimeout);
    }

    /**
     * Builds the blue-to-green link. Connects to nothing; its stream's {@code start()} and its
     * {@code preflight()} do.
     *
     * @return the link
     * @throws IllegalStateException if settings conflict (see {@link #settings()} and the dialect's builder)
     */
    public abstract ReplicationLink build();

    private static int checkParallelism(int workers) {
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("copyParallelism must be 1 to 64, was " + workers);
        }
        return workers;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
