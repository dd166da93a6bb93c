package io.cutover.postgres;

import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.spi.SideTables;
import io.cutover.ReplicationLink;
import io.cutover.transform.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds the PostgreSQL side of a cutover: a {@link ReplicationLink} from blue to green that
 * captures the chosen tables with Debezium (pgoutput, a publication over exactly those tables, a
 * slot of its own), applies them on green in source-commit order with their offsets in the same
 * transaction, guards blue with triggers during and after the flip, hands sequences over, and
 * sets up the green-to-blue link inside the write pause.
 *
 * <pre>{@code
 * ReplicationLink link = PostgresCutover.builder()
 *         .name("orders")
 *         .blue("blue.db", 5432, "shop", "cutover", bluePassword)
 *         .green("green.db", 5432, "shop", "cutover", greenPassword)
 *         .tables("customers", "orders")
 *         .build();
 * }</pre>
 *
 * <p>Both databases need {@code wal_level=logical}, a role with REPLICATION and CREATE on the
 * database, and every table with a primary key on both sides. Thread-safe once built.
 */
public final class PostgresCutover {

    /** Workers of the initial copy unless {@link Builder#copyParallelism(int)} says otherwise. */
    public static final int DEFAULT_COPY_PARALLELISM = 4;

    private PostgresCutover() {
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Immutable settings shared by the links of one cutover (both directions). */
    static final class Settings {
        final String name;
        final PgEndpoint blue;
        final PgEndpoint green;
        final String schema;
        final SideTables tables;
        final boolean initialCopy;
        final int copyParallelism;
        final long sequenceHeadroom;
        final Duration startTimeout;
        final Duration guardLockTimeout;
        final String token;
        final Runnable beforeCommit;
        final Runnable afterCopyChunk;
        // Links open over these settings; the endpoints' control connections close with the last.
        final java.util.concurrent.atomic.AtomicInteger openLinks = new java.util.concurrent.atomic.AtomicInteger();

        Settings(Builder b) {
            this.name = PgNames.sanitize(b.name);
            this.blue = b.blue;
            this.green = b.green;
            this.schema = b.schema;
            this.tables = new SideTables(b.tables, b.greenNames, b.forward, b.reverse);
            this.initialCopy = b.initialCopy;
            this.copyParallelism = b.copyParallelism;
            this.sequenceHeadroom = b.sequenceHeadroom;
            this.startTimeout = b.startTimeout;
            this.guardLockTimeout = b.guardLockTimeout;
            this.token = UUID.randomUUID().toString();
            this.beforeCommit = b.beforeCommit;
            this.afterCopyChunk = b.afterCopyChunk;
        }

        PgEndpoint endpoint(Side side) {
            return side == Side.BLUE ? blue : green;
        }

        void linkClosed() {
            if (openLinks.decrementAndGet() == 0) {
                blue.closeControl();
                green.closeControl();
            }
        }
    }

    /** Builds a blue-to-green {@link ReplicationLink}. Validates as it goes; not thread-safe. */
    public static final class Builder {
        private String name = "cutover";
        private PgEndpoint blue;
        private PgEndpoint green;
        private String schema = "public";
        private final List<String> tables = new ArrayList<>();
        private final Map<String, RowTransform> forward = new LinkedHashMap<>();
        private final Map<String, RowTransform> reverse = new LinkedHashMap<>();
        private final Map<String, String> greenNames = new LinkedHashMap<>();
        private boolean initialCopy = true;
        private int copyParallelism = DEFAULT_COPY_PARALLELISM;
        private long sequenceHeadroom = 1000;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration guardLockTimeout = Duration.ofSeconds(2);
        private Runnable beforeCommit = () -> { };
        private Runnable afterCopyChunk = () -> { };

        private Builder() {
        }

        /**
         * Names the cutover; slots, publications and streams are named after it
         * ({@code cutover_<name>_b2g}). Two cutovers on one server need different names.
         *
         * @param name 1 to 40 characters; others than letters, digits, underscore become underscores
         * @return this builder
         * @throws IllegalArgumentException if empty or too long
         */
        public Builder name(String name) {
            PgNames.sanitize(Objects.requireNonNull(name, "name"));
            this.name = name;
            return this;
        }

        /**
         * Sets the blue (starting) database.
         *
         * @param host host name
         * @param port port, 1 to 65535
         * @param database database name
         * @param user a role with REPLICATION
         * @param password its password (never logged)
         * @return this builder
         */
        public Builder blue(String host, int port, String database, String user, String password) {
            this.blue = new PgEndpoint(Side.BLUE, host, checkPort(port), database, user, password);
            return this;
        }

        /**
         * Sets the blue database by JDBC URL ({@code jdbc:postgresql://host:port/db}).
         *
         * @param jdbcUrl the URL, without credentials
         * @param user a role with REPLICATION
         * @param password its password (never logged)
         * @return this builder
         */
        public Builder blueUrl(String jdbcUrl, String user, String password) {
            this.blue = PgEndpoint.fromUrl(Side.BLUE, jdbcUrl, user, password);
            return this;
        }

        /**
         * Sets the green (destination) database.
         *
         * @param host host name
         * @param port port, 1 to 65535
         * @param database database name
         * @param user a role with REPLICATION
         * @param password its password (never logged)
         * @return this builder
         */
        public Builder green(String host, int port, String database, String user, String password) {
            this.green = new PgEndpoint(Side.GREEN, host, checkPort(port), database, user, password);
            return this;
        }

        /**
         * Sets the green database by JDBC URL.
         *
         * @param jdbcUrl the URL, without credentials
         * @param user a role with REPLICATION
         * @param password its password (never logged)
         * @return this builder
         */
        public Builder greenUrl(String jdbcUrl, String user, String password) {
            this.green = PgEndpoint.fromUrl(Side.GREEN, jdbcUrl, user, password);
            return this;
        }

        /**
         * Sets the schema of the tables on both sides (default {@code public}).
         *
         * @param schema the schema
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * Adds tables to replicate, as blue names them, each with a primary key on both sides.
         * Green has the same names unless a transform says otherwise
         * ({@link #transform(String, RowTransform, RowTransform)}).
         *
         * @param names unqualified table names
         * @return this builder
         * @throws IllegalArgumentException if a name is blank or repeated
         */
        public Builder tables(String... names) {
            for (String n : names) {
                Objects.requireNonNull(n, "table");
                if (n.isBlank() || tables.contains(n)) {
                    throw new IllegalArgumentException("table name blank or repeated: '" + n + "'");
                }
                tables.add(n);
            }
            return this;
        }

        /**
         * Sets a table's transforms: blue to green, and green to blue for the reverse stream.
         * Green's name of the table is {@code blueToGreen}'s {@link TableMapping#targetTable()}
         * when it is a {@link TableMapping} (so {@code Transforms.forTable("users")
         * .renameTable("accounts")} replicates {@code users} on blue with {@code accounts} on
         * green, both ways), the same name otherwise; a plain lambda that renames the table
         * needs {@link #transform(String, String, RowTransform, RowTransform)}.
         *
         * @param table a table added with {@link #tables}, as blue names it
         * @param blueToGreen applied to every change going to green
         * @param greenToBlue applied to every change coming back to blue
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
         * Every part of the cutover that touches green (the reverse stream's publication and
         * slot, preflight, the guard after a rollback, the sequence hand-off) then uses
         * {@code greenTable}; the rows {@code blueToGreen} returns must name it too.
         *
         * @param blueTable a table added with {@link #tables}, as blue names it
         * @param greenTable the same table as green names it
         * @param blueToGreen applied to every change going to green
         * @param greenToBlue applied to every change coming back to blue
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code greenTable} is blank, or a {@link TableMapping}
         *     given reads or writes other tables
         */
        public Builder transform(String blueTable, String greenTable, RowTransform blueToGreen, RowTransform greenToBlue) {
            Objects.requireNonNull(blueTable, "blueTable");
            Objects.requireNonNull(greenTable, "greenTable");
            Objects.requireNonNull(blueToGreen, "blueToGreen");
            Objects.requireNonNull(greenToBlue, "greenToBlue");
            if (greenTable.isBlank()) {
                throw new IllegalArgumentException("green table name of '" + blueTable + "' is blank");
            }
            SideTables.checkNames(blueTable, greenTable, blueToGreen, greenToBlue);
            forward.put(blueTable, blueToGreen);
            reverse.put(blueTable, greenToBlue);
            greenNames.put(blueTable, greenTable);
            return this;
        }

        /**
         * Sets whether the forward stream first copies the tables' rows (default true). Turn it off
         * when green is already seeded up to the moment the stream starts.
         *
         * @param initialCopy whether to copy
         * @return this builder
         */
        public Builder initialCopy(boolean initialCopy) {
            this.initialCopy = initialCopy;
            return this;
        }

        /**
         * Sets how many connections pairs (one on each side) the initial copy uses at once
         * (default {@value PostgresCutover#DEFAULT_COPY_PARALLELISM}). Tables, and page ranges of
         * big tables, are copied in parallel, each in its own transaction on green; every source
         * connection reads the same snapshot, so the copy is consistent whatever the number.
         * Each worker holds one connection on blue and one on green while the copy runs.
         *
         * @param workers 1 to 64
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder copyParallelism(int workers) {
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("copyParallelism must be 1 to 64, was " + workers);
            }
            this.copyParallelism = workers;
            return this;
        }

        /**
         * Sets how far past the source's value a sequence is moved on the target (default 1000).
         *
         * @param headroom zero or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder sequenceHeadroom(long headroom) {
            if (headroom < 0) {
                throw new IllegalArgumentException("sequenceHeadroom must not be negative, was " + headroom);
            }
            this.sequenceHeadroom = headroom;
            return this;
        }

        /**
         * Sets how long a stream's start waits for the connector to stream (default 60 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = positive(timeout, "startTimeout");
            return this;
        }

        /**
         * Sets how long engaging the guard waits for a table lock held by an open write (default 2 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder guardLockTimeout(Duration timeout) {
            this.guardLockTimeout = positive(timeout, "guardLockTimeout");
            return this;
        }

        /** Test hook: runs inside every apply transaction before its commit. */
        Builder beforeCommit(Runnable hook) {
            this.beforeCommit = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** Test hook: runs on a copy worker after each chunk of the initial copy committed on green. */
        Builder afterCopyChunk(Runnable hook) {
            this.afterCopyChunk = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Builds the blue-to-green link. Nothing touches the servers until its stream starts
         * or {@link ReplicationLink#preflight()} runs.
         *
         * @return the link
         * @throws IllegalStateException if blue, green or the tables are missing, blue and green
         *     are the same database, a transform names a table not replicated, or two tables
         *     have the same green name
         */
        public ReplicationLink build() {
            if (blue == null || green == null) {
                throw new IllegalStateException("both blue and green must be set");
            }
            if (tables.isEmpty()) {
                throw new IllegalStateException("no tables to replicate; call tables(...)");
            }
            if (blue.host.equals(green.host) && blue.port == green.port && blue.database.equals(green.database)) {
                throw new IllegalStateException("blue and green are the same database (" + blue.host + ":" + blue.port + "/" + blue.database + ")");
            }
            for (String t : forward.keySet()) {
                if (!tables.contains(t)) {
                    throw new IllegalStateException("transform given for " + t + ", which is not among the tables " + tables);
                }
            }
            return new PgLink(new Settings(this), Side.BLUE, initialCopy);
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
            }
            return port;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
