package io.cutover.mysql;

import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.spi.SideTables;
import io.cutover.ReplicationLink;
import io.cutover.transform.TableMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds the MySQL / MariaDB side of a cutover: a {@link ReplicationLink} from blue to green that
 * captures the chosen tables from the binlog with Debezium ({@code MariaDbConnector} for MariaDB,
 * {@code MySqlConnector} for MySQL, told apart from the server's version), applies them on green
 * with Connector/J in source-commit order with their offsets in the same transaction, guards the
 * old side with {@code read_only}, moves AUTO_INCREMENT counters, and sets up the green-to-blue
 * link from a binlog position taken inside the write pause.
 *
 * <pre>{@code
 * ReplicationLink link = MySqlCutover.builder()
 *         .name("orders")
 *         .blue("blue.db", 3306, "shop", "cutover", bluePassword)
 *         .green("green.db", 3306, "shop", "cutover", greenPassword)
 *         .tables("customers", "orders")
 *         .appUsers("shop_app")
 *         .build();
 * }</pre>
 *
 * <p>Both servers need {@code log_bin=ON}, {@code binlog_format=ROW},
 * {@code binlog_row_image=FULL} and distinct {@code server_id}s. The cutover user on each side
 * needs {@code SELECT, INSERT, UPDATE, DELETE, CREATE} on the schema and, on {@code *.*},
 * {@code REPLICATION SLAVE, RELOAD} plus {@code BINLOG MONITOR, READ_ONLY ADMIN} (MariaDB) or
 * {@code REPLICATION CLIENT, CONNECTION_ADMIN, SYSTEM_VARIABLES_ADMIN} (MySQL): it captures,
 * applies, sets {@code read_only}, and writes fences and reverse-stream rows through it. The
 * application's users must not hold those last privileges (preflight warns, given
 * {@link Builder#appUsers}, if the cutover user may read {@code mysql.user}), or the guard cannot
 * stop them. Thread-safe once built.
 */
public final class MySqlCutover {

    private MySqlCutover() {
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a blue-to-green {@link ReplicationLink}. Validates as it goes; not thread-safe. */
    public static final class Builder {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,40}");
        private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_$]{1,64}");

        private String name = "cutover";
        private Endpoint blue;
        private Endpoint green;
        private final List<String> tables = new ArrayList<>();
        private final List<String> appUsers = new ArrayList<>();
        private final Map<String, RowTransform> forward = new LinkedHashMap<>();
        private final Map<String, RowTransform> reverse = new LinkedHashMap<>();
        private final Map<String, String> greenNames = new LinkedHashMap<>();
        private boolean initialCopy = true;
        private long autoIncrementHeadroom = 1000;
        private Duration guardLockWait = Duration.ofSeconds(2);
        private Duration startTimeout = Duration.ofSeconds(60);
        private Path stateDir;
        private long forwardServerId;
        private long reverseServerId;
        private String sslMode = "PREFERRED";
        private Runnable beforeCommit = () -> { };

        private Builder() {
        }

        /**
         * Names the cutover; streams and server-side rows are named after it. Two cutovers on
         * one server need different names.
         *
         * @param name 1 to 40 letters, digits or underscores
         * @return this builder
         * @throws IllegalArgumentException if it has other characters or is too long
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be 1-40 letters, digits or underscores, was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the blue (starting) server and the cutover user on it.
         *
         * @param host host name
         * @param port port, 1 to 65535
         * @param database the schema holding the tables
         * @param user the cutover user (privileges in the class comment)
         * @param password its password; never logged
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range or a name is blank
         */
        public Builder blue(String host, int port, String database, String user, String password) {
            this.blue = new Endpoint(host, port, database, user, password);
            return this;
        }

        /**
         * Sets the green (destination) server and the cutover user on it.
         *
         * @param host host name
         * @param port port, 1 to 65535
         * @param database the schema holding the tables
         * @param user the cutover user
         * @param password its password; never logged
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range or a name is blank
         */
        public Builder green(String host, int port, String database, String user, String password) {
            this.green = new Endpoint(host, port, database, user, password);
            return this;
        }

        /**
         * Adds tables to replicate, unqualified, as blue names them; green has the same names
         * unless a transform says otherwise ({@link #transform(String, RowTransform, RowTransform)}).
         *
         * @param names table names
         * @return this builder
         * @throws IllegalArgumentException if a name is not a plain identifier or repeats
         */
        public Builder tables(String... names) {
            for (String t : names) {
                Objects.requireNonNull(t, "table");
                if (!TABLE.matcher(t).matches()) {
                    throw new IllegalArgumentException("table name must be a plain identifier, was '" + t + "'");
                }
                if (tables.contains(t)) {
                    throw new IllegalArgumentException("table '" + t + "' given twice");
                }
                tables.add(t);
            }
            return this;
        }

        /**
         * Names the application's own database users, so that preflight can warn when one of them
         * holds a privilege that writes through {@code read_only}.
         *
         * @param users user names
         * @return this builder
         */
        public Builder appUsers(String... users) {
            for (String u : users) {
                appUsers.add(Objects.requireNonNull(u, "user"));
            }
            return this;
        }

        /**
         * Sets a table's transforms, blue schema to green and back. Green's name of the table is
         * {@code blueToGreen}'s {@link TableMapping#targetTable()} when it is a
         * {@link TableMapping} (so {@code Transforms.forTable("users").renameTable("accounts")}
         * replicates {@code users} on blue with {@code accounts} on green, both ways), the same
         * name otherwise; a plain lambda that renames the table needs
         * {@link #transform(String, String, RowTransform, RowTransform)}.
         *
         * @param table a table added with {@link #tables}, as blue names it
         * @param blueToGreen applied by the forward stream
         * @param greenToBlue applied by the reverse stream
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if a {@link TableMapping} given reads or writes other tables
         */
        public Builder transform(String table, RowTransform blueToGreen, RowTransform greenToBlue) {
            Objects.requireNonNull(blueToGreen, "blueToGreen");
            return transform(table, SideTables.greenName(Objects.requireNonNull(table, "table"), blueToGreen),
                    blueToGreen, greenToBlue);
        }

        /**
         * Sets a table's transforms and its name on green, where green names it differently.
         * Every part of the cutover that touches green (the reverse stream's captured tables,
         * preflight, the AUTO_INCREMENT hand-off) then uses {@code greenTable}; the rows
         * {@code blueToGreen} returns must name it too.
         *
         * @param blueTable a table added with {@link #tables}, as blue names it
         * @param greenTable the same table as green names it, a plain identifier
         * @param blueToGreen applied by the forward stream
         * @param greenToBlue applied by the reverse stream
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code greenTable} is not a plain identifier, or a
         *     {@link TableMapping} given reads or writes other tables
         */
        public Builder transform(String blueTable, String greenTable, RowTransform blueToGreen, RowTransform greenToBlue) {
            Objects.requireNonNull(blueTable, "blueTable");
            Objects.requireNonNull(greenTable, "greenTable");
            Objects.requireNonNull(blueToGreen, "blueToGreen");
            Objects.requireNonNull(greenToBlue, "greenToBlue");
            if (!TABLE.matcher(greenTable).matches()) {
                throw new IllegalArgumentException("green table name of '" + blueTable
                        + "' must be a plain identifier, was '" + greenTable + "'");
            }
            SideTables.checkNames(blueTable, greenTable, blueToGreen, greenToBlue);
            forward.put(blueTable, blueToGreen);
            reverse.put(blueTable, greenToBlue);
            greenNames.put(blueTable, greenTable);
            return this;
        }

        /**
         * Copies blue's existing rows before streaming (default); {@code false} when green is
         * pre-seeded and only changes from now on are wanted.
         *
         * @param initialCopy whether to copy
         * @return this builder
         */
        public Builder initialCopy(boolean initialCopy) {
            this.initialCopy = initialCopy;
            return this;
        }

        /**
         * Sets how far past blue's AUTO_INCREMENT counters green's are moved (default 1000).
         *
         * @param headroom not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder autoIncrementHeadroom(long headroom) {
            if (headroom < 0) {
                throw new IllegalArgumentException("autoIncrementHeadroom must not be negative, was " + headroom);
            }
            this.autoIncrementHeadroom = headroom;
            return this;
        }

        /**
         * Sets how long engaging the guard may wait for sessions holding table locks (default 2 s);
         * past it the guard gives up and the cutover aborts.
         *
         * @param wait positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder guardLockWait(Duration wait) {
            this.guardLockWait = positive(wait, "guardLockWait");
            return this;
        }

        /**
         * Sets how long a stream's start may take before it fails (default 60 s).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /**
         * Sets the directory for the streams' schema history files (default
         * {@code <java.io.tmpdir>/cutover-mysql/<name>}). A lost file is rebuilt from the live
         * schema on the next start.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder stateDir(Path dir) {
            this.stateDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Sets the server ids the two streams' binlog clients use; each must differ from every
         * server's and replica's {@code server_id}. Defaults derive from the name.
         *
         * @param blueToGreen id of the stream reading blue
         * @param greenToBlue id of the stream reading green
         * @return this builder
         * @throws IllegalArgumentException if not in 1..2^32-1 or equal
         */
        public Builder serverIds(long blueToGreen, long greenToBlue) {
            if (blueToGreen < 1 || greenToBlue < 1 || blueToGreen > 0xFFFFFFFFL || greenToBlue > 0xFFFFFFFFL
                    || blueToGreen == greenToBlue) {
                throw new IllegalArgumentException("server ids must be distinct and in 1..4294967295, were "
                        + blueToGreen + " and " + greenToBlue);
            }
            this.forwardServerId = blueToGreen;
            this.reverseServerId = greenToBlue;
            return this;
        }

        /**
         * Sets Connector/J's {@code sslMode} for every connection (default {@code PREFERRED}).
         *
         * @param mode DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY
         * @return this builder
         * @throws IllegalArgumentException for another value
         */
        public Builder sslMode(String mode) {
            Objects.requireNonNull(mode, "mode");
            if (!List.of("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY").contains(mode)) {
                throw new IllegalArgumentException("unknown sslMode '" + mode + "'");
            }
            this.sslMode = mode;
            return this;
        }

        // For crash tests: runs inside every apply transaction just before commit.
        Builder beforeCommit(Runnable hook) {
            this.beforeCommit = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Builds the blue-to-green link. Connects to nothing; the stream's {@code start()} and
         * the link's {@code preflight()} do.
         *
         * @return the link
         * @throws IllegalStateException if blue, green or the tables are missing, a transform
         *     names a table not replicated, or two tables have the same green name
         */
        public ReplicationLink build() {
            if (blue == null || green == null) {
                throw new IllegalStateException("MySqlCutover needs blue(...) and green(...)");
            }
            if (tables.isEmpty()) {
                throw new IllegalStateException("MySqlCutover needs at least one table");
            }
            for (String t : forward.keySet()) {
                if (!tables.contains(t)) {
                    throw new IllegalStateException("transform given for table '" + t + "', which is not among the"
                            + " tables " + tables + "; add it with tables(...)");
                }
            }
            return new MySqlLink(new MySqlSettings(this), Side.BLUE, initialCopy);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        // Accessors for MySqlSettings (same package).
        String name() {
            return name;
        }

        Endpoint blue() {
            return new Endpoint(blue.host(), blue.port(), blue.database(), blue.user(), blue.password(), sslMode);
        }

        Endpoint green() {
            return new Endpoint(green.host(), green.port(), green.database(), green.user(), green.password(), sslMode);
        }

        List<String> tables() {
            return tables;
        }

        List<String> appUsers() {
            return appUsers;
        }

        Map<String, RowTransform> forward() {
            return forward;
        }

        Map<String, RowTransform> reverse() {
            return reverse;
        }

        Map<String, String> greenNames() {
            return greenNames;
        }

        long autoIncrementHeadroom() {
            return autoIncrementHeadroom;
        }

        Duration guardLockWait() {
            return guardLockWait;
        }

        Duration startTimeout() {
            return startTimeout;
        }

        Path stateDir() {
            return stateDir != null ? stateDir
                    : Path.of(System.getProperty("java.io.tmpdir"), "cutover-mysql", name);
        }

        long forwardServerId() {
            return forwardServerId != 0 ? forwardServerId : 5_400_000L + 2L * (name.hashCode() & 0xFFFF);
        }

        long reverseServerId() {
            return reverseServerId != 0 ? reverseServerId : forwardServerId() + 1;
        }

        Runnable beforeCommit() {
            return beforeCommit;
        }
    }
}
