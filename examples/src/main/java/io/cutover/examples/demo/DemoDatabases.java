package io.cutover.examples.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.Side;
import io.cutover.mysql.MySqlCutover;
import io.cutover.postgres.PostgresCutover;
import io.cutover.ReplicationLink;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;
import java.io.PrintStream;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The two databases the demo runs on, embedded or real, with the pools the service writes through
 * and small admin pools for set-up and verification. Closing closes the pools and stops embedded
 * servers. Credentials stay inside; {@link #describe(Side)} shows the URL without them.
 */
final class DemoDatabases implements AutoCloseable {

    private final ServerPair<PostgresServer> servers;
    private final DemoOptions options;
    private final Dialect dialect;
    private final String blueUrl;
    private final String greenUrl;
    private final HikariDataSource bluePool;
    private final HikariDataSource greenPool;
    private final HikariDataSource blueAdmin;
    private final HikariDataSource greenAdmin;

    private DemoDatabases(ServerPair<PostgresServer> servers, DemoOptions options, String blueUrl, String greenUrl) {
        this.servers = servers;
        this.options = options;
        this.blueUrl = blueUrl;
        this.greenUrl = greenUrl;
        this.dialect = Dialect.of(blueUrl);
        if (Dialect.of(greenUrl) != dialect) {
            throw new IllegalArgumentException("blue and green must be the same kind of database: "
                    + UrlText.withoutSecrets(blueUrl) + " vs " + UrlText.withoutSecrets(greenUrl));
        }
        int size = options.writers() + 2;
        this.bluePool = pool("blue", blueUrl, options.blueUser(), options.bluePassword(), size);
        this.greenPool = pool("green", greenUrl, options.greenUser(), options.greenPassword(), size);
        this.blueAdmin = pool("blue-admin", blueUrl, options.blueUser(), options.bluePassword(), 2);
        this.greenAdmin = pool("green-admin", greenUrl, options.greenUser(), options.greenPassword(), 2);
    }

    /**
     * Starts embedded servers, or connects to the real ones the options name.
     *
     * @param options the demo's options
     * @param out where to say what is happening
     * @return the databases
     */
    static DemoDatabases open(DemoOptions options, PrintStream out) {
        if (options.embedded()) {
            long t0 = System.nanoTime();
            out.println("Starting two embedded PostgreSQL servers (wal_level=logical) ...");
            // A demo's data is disposable: commits do not wait for the WAL flush (the fence's own
            // connection turns synchronous_commit back on, so catch-up is not slowed by it).
            PostgresServer.Builder server = PostgresServer.builder().config("synchronous_commit", "off");
            ServerPair<PostgresServer> pair = ServerPair.start(server::start, server::start);
            out.printf("  blue  on localhost:%d, green on localhost:%d  (%.1f s)%n", pair.blue().port(),
                    pair.green().port(), (System.nanoTime() - t0) / 1e9);
            try {
                return new DemoDatabases(pair, options, pair.blue().jdbcUrl(), pair.green().jdbcUrl());
            } catch (RuntimeException e) {
                pair.close();
                throw e;
            }
        }
        out.println("Using real servers: blue " + UrlText.withoutSecrets(options.blueUrl()) + ", green "
                + UrlText.withoutSecrets(options.greenUrl()));
        return new DemoDatabases(null, options, options.blueUrl(), options.greenUrl());
    }

    Dialect dialect() {
        return dialect;
    }

    /** The pool the service writes through on a side. */
    DataSource pool(Side side) {
        return side == Side.BLUE ? bluePool : greenPool;
    }

    /** A small pool for set-up and verification, outside the switcher. */
    DataSource admin(Side side) {
        return side == Side.BLUE ? blueAdmin : greenAdmin;
    }

    /** A side's JDBC URL, without credentials (those stay in the options). */
    String url(Side side) {
        return side == Side.BLUE ? blueUrl : greenUrl;
    }

    String describe(Side side) {
        return side + " " + UrlText.withoutSecrets(side == Side.BLUE ? blueUrl : greenUrl);
    }

    /** The blue-to-green link for the demo's table, with the v1 → v2 transform and its reverse. */
    ReplicationLink link(String name, UsersTable table) {
        if (dialect == Dialect.MYSQL) {
            HostPortDatabase b = HostPortDatabase.parse(blueUrl, 3306);
            HostPortDatabase g = HostPortDatabase.parse(greenUrl, 3306);
            return MySqlCutover.builder()
                    .name(name)
                    .blue(b.host(), b.port(), b.database(), options.blueUser(), options.bluePassword())
                    .green(g.host(), g.port(), g.database(), options.greenUser(), options.greenPassword())
                    .tables(table.name())
                    .transform(table.name(), table.mapping(), table.mapping().reverse())
                    .startTimeout(Duration.ofSeconds(60))
                    .build();
        }
        return PostgresCutover.builder()
                .name(name)
                .blue(blueUrl, options.blueUser(), options.bluePassword())
                .green(greenUrl, options.greenUser(), options.greenPassword())
                .tables(table.name())
                .transform(table.name(), table.mapping(), table.mapping().reverse())
                .startTimeout(Duration.ofSeconds(60))
                .build();
    }

    static HikariDataSource pool(String name, String url, String user, String password, int size) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(Math.min(2, size));
        c.setConnectionTimeout(10_000);
        return new HikariDataSource(c);
    }

    @Override
    public void close() {
        try {
            bluePool.close();
            greenPool.close();
            blueAdmin.close();
            greenAdmin.close();
        } finally {
            if (servers != null) {
                servers.close();
            }
        }
    }
}
