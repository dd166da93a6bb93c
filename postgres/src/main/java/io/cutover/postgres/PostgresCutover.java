package io.cutover.postgres;

import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.spi.DialectBuilder;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.DialectSettings;
import io.cutover.spi.ServerAddress;
import io.cutover.spi.SideTables;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

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
 *         .green("jdbc:postgresql://green.db:5432/shop", "cutover", greenPassword)
 *         .tables("customers", "orders")
 *         .tls(TlsMode.REQUIRE)
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
     * How often fleet members look for commands, and a coordinator for acks, when no notification
     * woke them: a safety net, since commands and acks are signalled.
     */
    public static final Duration DEFAULT_FLEET_POLL = Duration.ofMillis(100);

    static final Duration FLEET_POLL = DEFAULT_FLEET_POLL;

    /**
     * Returns the channel through which the instances of a service form a fleet on these two
     * PostgreSQL databases (see {@link io.cutover.FleetMember}): the control tables
     * {@code cutover_fleet_live}, {@code cutover_fleet_members}, {@code cutover_fleet_commands} and
     * {@code cutover_fleet_acks} are created in the connections' default schema when first needed;
     * the live side is recorded on both databases, members, commands and acks are kept on blue;
     * commands and acks are signalled with {@code NOTIFY} (one connection per member stays in
     * {@code LISTEN}), with a 100 ms poll as a safety net. The channel keeps one connection to each
     * database for the live side, recorded durably, and one more to blue for members, commands and
     * acks, which commit with {@code synchronous_commit = off} (a command or ack lost in a crash only
     * aborts that cutover); close it after the switchers that use it.
     *
     * @param fleet the fleet's name, the same on every instance: 1 to 60 letters, digits,
     *     underscores or dashes
     * @param blue blue's DataSource, for a role that may create tables in its schema
     * @param green green's DataSource, likewise
     * @return the channel
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the name is not valid or both DataSources are the same
     */
    public static FleetChannel fleetChannel(String fleet, DataSource blue, DataSource green) {
        return fleetChannel(fleet, blue, green, Side.BLUE);
    }

    /**
     * Like {@link #fleetChannel(String, DataSource, DataSource)}, with members, commands and acks on
     * {@code home}: green, once blue is to be retired.
     *
     * @param fleet the fleet's name
     * @param blue blue's DataSource
     * @param green green's DataSource
     * @param home the database holding members, commands and acks
     * @return the channel
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the name is not valid or both DataSources are the same
     */
    public static FleetChannel fleetChannel(String fleet, DataSource blue, DataSource green, Side home) {
        return fleetChannel(fleet, blue, green, home, DEFAULT_FLEET_POLL);
    }

    /**
     * Like {@link #fleetChannel(String, DataSource, DataSource, Side)}, with the safety-net poll at
     * {@code pollInterval} instead of {@link #DEFAULT_FLEET_POLL}: how late a member hears a
     * command, or a coordinator an ack, whose notification was lost (a listener reconnecting).
     *
     * @param fleet the fleet's name
     * @param blue blue's DataSource
     * @param green green's DataSource
     * @param home the database holding members, commands and acks
     * @param pollInterval the safety-net poll, from 1 ms to 10 s
     * @return the channel
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the name is not valid, both DataSources are the same or
     *     the interval is out of range
     */
    public static FleetChannel fleetChannel(String fleet, DataSource blue, DataSource green, Side home,
            Duration pollInterval) {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.toMillis() < 1 || pollInterval.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("fleet '" + fleet + "': pollInterval must be between 1 ms and 10000 ms, was "
                    + pollInterval.toMillis() + " ms");
        }
        return FleetChannel.jdbc(fleet, blue, green, home, new PgFleetSignal(), pollInterval);
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
        final Duration recoveryBudget;
        final Duration stallTimeout;
        final String token;
        // Links open over these settings; the endpoints' control connections close with the last.
        final AtomicInteger openLinks = new AtomicInteger();
        // The same links, for finish(), which refuses while another link of the migration is open.
        final java.util.Set<ReplicationLink> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Settings(DialectSettings s, String schema) {
            this.name = PgNames.sanitize(s.name());
            this.blue = new PgEndpoint(Side.BLUE, s.blue(), s.tls(), s.dataSource(Side.BLUE).orElse(null));
            this.green = new PgEndpoint(Side.GREEN, s.green(), s.tls(), s.dataSource(Side.GREEN).orElse(null));
            this.schema = schema;
            this.tables = s.tables();
            this.initialCopy = s.initialCopy();
            this.copyParallelism = s.copyParallelism();
            this.sequenceHeadroom = s.sequenceHeadroom();
            this.startTimeout = s.startTimeout();
            this.guardLockTimeout = s.guardLockTimeout();
            this.recoveryBudget = s.recoveryBudget();
            this.stallTimeout = s.stallTimeout();
            this.token = UUID.randomUUID().toString();
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

    /**
     * Builds a blue-to-green {@link ReplicationLink}: the settings every dialect shares
     * ({@link DialectBuilder}) and, extra for PostgreSQL, {@link #schema(String)}. Validates as it
     * goes; not thread-safe.
     *
     * <p>What the shared settings mean here: a name of 1 to 40 characters, others than letters,
     * digits and underscores becoming underscores (slots and publications are
     * {@code cutover_<name>_b2g}); {@code tls} is {@code sslmode} for pgjdbc and Debezium's
     * {@code database.sslmode}; {@code sequenceHeadroom} moves sequences; {@code copyParallelism}
     * (default {@value PostgresCutover#DEFAULT_COPY_PARALLELISM}) is the number of copy workers,
     * each holding one connection on blue and one on green, copying tables and page ranges of big
     * tables in parallel; a DataSource given with {@code dataSource(side, ...)} must open
     * connections with {@code stringType=unspecified} (json, uuid and enum columns are bound as
     * strings) and should set {@code reWriteBatchedInserts=true}
     * (batched upserts become multi-row ones), and the replication connection still logs in with the address and credentials.
     */
    public static final class Builder extends DialectBuilder<Builder> {
        private String schema = "public";

        private Builder() {
            super(DEFAULT_COPY_PARALLELISM);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected void checkName(String name) {
            PgNames.sanitize(name);
        }

        @Override
        protected void checkTable(String table) {
            if (table.isBlank()) {
                throw new IllegalArgumentException("table name is blank");
            }
        }

        @Override
        protected ServerAddress parseUrl(Side side, String jdbcUrl, String user, String password) {
            return PgEndpoint.parseUrl(side, jdbcUrl, user, password);
        }

        /**
         * Extra for PostgreSQL: sets the schema of the tables on both sides (default {@code public}).
         *
         * @param schema the schema
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if blank
         */
        public Builder schema(String schema) {
            Objects.requireNonNull(schema, "schema");
            if (schema.isBlank()) {
                throw new IllegalArgumentException("schema is blank");
            }
            this.schema = schema;
            return this;
        }

        /**
         * Sets the blue database by JDBC URL.
         *
         * @param jdbcUrl the URL, without credentials
         * @param user a role with REPLICATION
         * @param password its password (never logged)
         * @return this builder
         * @deprecated use {@link #blue(String, String, String)}, the name every dialect shares
         */
        @Deprecated
        public Builder blueUrl(String jdbcUrl, String user, String password) {
            return blue(jdbcUrl, user, password);
        }

        /**
         * Sets the green database by JDBC URL.
         *
         * @param jdbcUrl the URL, without credentials
         * @param user a role with REPLICATION
         * @param password its password (never logged)
         * @return this builder
         * @deprecated use {@link #green(String, String, String)}, the name every dialect shares
         */
        @Deprecated
        public Builder greenUrl(String jdbcUrl, String user, String password) {
            return green(jdbcUrl, user, password);
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
        @Override
        public ReplicationLink build() {
            DialectSettings s = settings();
            return new PgLink(new Settings(s, schema), Side.BLUE, s.initialCopy());
        }
    }
}
