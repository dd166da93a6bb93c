package io.cutover.mysql;

import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.TlsMode;
import io.cutover.spi.DialectBuilder;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetSignal;
import io.cutover.spi.DialectSettings;
import io.cutover.spi.ServerAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

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

    /**
     * Connections the initial copy reads over on MySQL unless {@link Builder#copyParallelism(int)}
     * says otherwise; MariaDB always reads over one.
     */
    public static final int DEFAULT_COPY_PARALLELISM = 2;

    private MySqlCutover() {
    }

    /**
     * How often fleet members look for commands, and a coordinator for acks, by default: MySQL and
     * MariaDB have no notifications, so each PAUSE and FLIP waits about one interval (half to hear
     * the command, half to see the acks); each member runs one small query per interval.
     */
    public static final Duration DEFAULT_FLEET_POLL = Duration.ofMillis(5);
    /** The shortest fleet poll interval accepted. */
    public static final Duration MIN_FLEET_POLL = Duration.ofMillis(1);
    /** The longest fleet poll interval accepted: a longer one would stretch every cutover's pause. */
    public static final Duration MAX_FLEET_POLL = Duration.ofSeconds(1);

    static final Duration FLEET_POLL = DEFAULT_FLEET_POLL;

    /**
     * Returns the channel through which the instances of a service form a fleet on these two
     * MySQL or MariaDB databases (see {@link io.cutover.FleetMember}): the control tables
     * {@code cutover_fleet_live}, {@code cutover_fleet_members}, {@code cutover_fleet_commands} and
     * {@code cutover_fleet_acks} are created in the connections' database when first needed; the
     * live side is recorded on both databases, members, commands and acks are kept on blue; members
     * poll for commands every 5 ms (see the overload taking an interval) over a connection the channel keeps open. The DataSources must
     * log in as a user that writes through {@code read_only} (the cutover user: {@code READ_ONLY
     * ADMIN} on MariaDB, {@code CONNECTION_ADMIN} on MySQL), since members heartbeat and ack on a
     * guarded database. Close the channel after the switchers that use it.
     *
     * @param fleet the fleet's name, the same on every instance: 1 to 60 letters, digits,
     *     underscores or dashes
     * @param blue blue's DataSource
     * @param green green's DataSource
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
     * Like {@link #fleetChannel(String, DataSource, DataSource, Side)}, polling every
     * {@code pollInterval} instead of {@link #DEFAULT_FLEET_POLL}: longer means fewer queries from
     * idle members and a longer pause per cutover (about one interval for PAUSE and one for FLIP).
     *
     * @param fleet the fleet's name
     * @param blue blue's DataSource
     * @param green green's DataSource
     * @param home the database holding members, commands and acks
     * @param pollInterval how often members look for commands and a coordinator for acks, from
     *     {@link #MIN_FLEET_POLL} to {@link #MAX_FLEET_POLL}
     * @return the channel
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the name is not valid, both DataSources are the same or
     *     the interval is out of range
     */
    public static FleetChannel fleetChannel(String fleet, DataSource blue, DataSource green, Side home,
            Duration pollInterval) {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.compareTo(MIN_FLEET_POLL) < 0 || pollInterval.compareTo(MAX_FLEET_POLL) > 0) {
            throw new IllegalArgumentException("fleet '" + fleet + "': pollInterval must be between "
                    + MIN_FLEET_POLL.toMillis() + " ms and " + MAX_FLEET_POLL.toMillis() + " ms, was "
                    + pollInterval.toMillis() + " ms; members poll at it and each cutover's pause grows with it");
        }
        return FleetChannel.jdbc(fleet, blue, green, home, FleetSignal.NONE, pollInterval);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a blue-to-green {@link ReplicationLink}: the settings every dialect shares
     * ({@link DialectBuilder}) and, extra for MySQL and MariaDB, {@link #appUsers},
     * {@link #stateDir} and {@link #serverIds}. Validates as it goes; not thread-safe.
     *
     * <p>What the shared settings mean here: names are 1 to 40 letters, digits or underscores,
     * tables plain identifiers; {@code blue}/{@code green} by URL take {@code jdbc:mysql://} and
     * {@code jdbc:mariadb://}, default port 3306; {@code tls} is Connector/J's {@code sslMode}
     * ({@code DISABLED}, {@code PREFERRED}, {@code REQUIRED}, {@code VERIFY_CA},
     * {@code VERIFY_IDENTITY}) and the connector's {@code database.ssl.mode} (MariaDB's connector
     * has no "preferred": under {@code PREFER} it captures without TLS from a server that offers
     * none); {@code sequenceHeadroom} moves AUTO_INCREMENT counters; {@code guardLockTimeout} is how
     * long {@code read_only} may wait for sessions holding table locks; {@code copyParallelism}
     * (default {@value MySqlCutover#DEFAULT_COPY_PARALLELISM}) is how many snapshot connections
     * MySQL's copy reads tables over, while MariaDB's copy reads over one (a second consistent
     * snapshot would stand at another point). A DataSource given with {@code dataSource(side, ...)}
     * serves applying, fences, reverse-stream positions and the hand-off; the initial copy's
     * writer (it needs {@code allowLoadLocalInfile}), the guard and the binlog client log in with
     * the address and credentials.
     */
    public static final class Builder extends DialectBuilder<Builder> {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,40}");
        private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_$]{1,64}");
        private static final Pattern URL = Pattern.compile("jdbc:(?:mysql|mariadb)://([^/:?;,]+)(?::(\\d{1,5}))?/([^/?;]+)(?:[?;].*)?");

        private final List<String> appUsers = new ArrayList<>();
        private Path stateDir;
        private long forwardServerId;
        private long reverseServerId;

        private Builder() {
            super(DEFAULT_COPY_PARALLELISM);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected void checkName(String name) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be 1-40 letters, digits or underscores, was '" + name + "'");
            }
        }

        @Override
        protected void checkTable(String table) {
            if (!TABLE.matcher(table).matches()) {
                throw new IllegalArgumentException("table name must be a plain identifier, was '" + table + "'");
            }
        }

        @Override
        protected ServerAddress parseUrl(Side side, String jdbcUrl, String user, String password) {
            Matcher m = URL.matcher(jdbcUrl);
            if (!m.matches()) {
                throw new IllegalArgumentException(side + " JDBC URL must be jdbc:mysql://host[:port]/database or"
                        + " jdbc:mariadb://host[:port]/database with one host");
            }
            int port = m.group(2) == null ? 3306 : Integer.parseInt(m.group(2));
            return new ServerAddress(m.group(1), port, m.group(3), user, password);
        }

        /**
         * Extra for MySQL and MariaDB: names the application's own database users, so that
         * preflight can warn when one of them holds a privilege that writes through
         * {@code read_only}.
         *
         * @param users user names
         * @return this builder
         * @throws NullPointerException if a name is null
         */
        public Builder appUsers(String... users) {
            for (String u : users) {
                appUsers.add(Objects.requireNonNull(u, "user"));
            }
            return this;
        }

        /**
         * Extra for MySQL and MariaDB: sets the directory for the streams' schema history files
         * (default {@code <java.io.tmpdir>/cutover-mysql/<name>}). A lost file is rebuilt from
         * the live schema on the next start.
         *
         * @param dir the directory
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder stateDir(Path dir) {
            this.stateDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Extra for MySQL and MariaDB: sets the server ids the two streams' binlog clients use;
         * each must differ from every server's and replica's {@code server_id}. Defaults derive
         * from the name.
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
         * Sets Connector/J's {@code sslMode} for every connection.
         *
         * @param mode DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY
         * @return this builder
         * @throws IllegalArgumentException for another value
         * @deprecated use {@link #tls(TlsMode)}, the setting every dialect shares
         */
        @Deprecated
        public Builder sslMode(String mode) {
            return tls(Endpoint.tlsMode(Objects.requireNonNull(mode, "mode")));
        }

        /**
         * Sets how long engaging the guard may wait for sessions holding table locks.
         *
         * @param wait positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         * @deprecated use {@link #guardLockTimeout(Duration)}, the setting every dialect shares
         */
        @Deprecated
        public Builder guardLockWait(Duration wait) {
            return guardLockTimeout(wait);
        }

        /**
         * Builds the blue-to-green link. Connects to nothing; the stream's {@code start()} and
         * the link's {@code preflight()} do.
         *
         * @return the link
         * @throws IllegalStateException if blue, green or the tables are missing, blue and green
         *     are the same schema, a transform names a table not replicated, or two tables have
         *     the same green name
         */
        @Override
        public ReplicationLink build() {
            DialectSettings s = settings();
            Path dir = stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "cutover-mysql", s.name());
            long forward = forwardServerId != 0 ? forwardServerId : 5_400_000L + 2L * (s.name().hashCode() & 0xFFFF);
            long reverse = reverseServerId != 0 ? reverseServerId : forward + 1;
            return new MySqlLink(new MySqlSettings(s, appUsers, dir, forward, reverse), Side.BLUE, s.initialCopy());
        }
    }
}
