package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.Side;
import io.cutover.postgres.PostgresCutover;
import io.cutover.ReplicationLink;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Two PostgreSQL servers from test-servers, blue and green, with {@code wal_level=logical}: the pair
 * every replication benchmark runs on, Cutover and native logical replication alike, with what the
 * benchmarks need on top (pools, a link, the connection string a native subscription uses). The
 * servers keep {@code synchronous_commit=on}, as a stock server does: logical decoding only sees
 * flushed WAL, so with it off every commit would wait for the WAL writer (up to
 * {@code wal_writer_delay}, 200 ms) before either replication could see it. {@code fsync} stays off:
 * the data is disposable and the disk is not what is measured.
 */
final class PgPair implements AutoCloseable {
    private static final String USER = PostgresServer.USER;
    private static final String PASSWORD = PostgresServer.PASSWORD; // ignored: trust authentication on localhost
    private static final String DATABASE = PostgresServer.DATABASE;
    private final ServerPair<PostgresServer> servers;
    private final PostgresServer blue;
    private final PostgresServer green;

    private PgPair(ServerPair<PostgresServer> servers) {
        this.servers = servers;
        this.blue = servers.blue();
        this.green = servers.green();
    }

    static PgPair start() {
        return new PgPair(PostgresServer.startPair());
    }

    DataSource blueAdmin() {
        return blue.dataSource();
    }

    DataSource greenAdmin() {
        return green.dataSource();
    }

    /** The JDBC URL of one side (trust authentication on localhost: the user alone logs in). */
    String jdbcUrl(Side side) {
        return (side == Side.BLUE ? blue : green).jdbcUrl();
    }

    /** A HikariCP pool on one side, auto-commit on. */
    HikariDataSource pool(Side side, int size) {
        PostgresServer server = side == Side.BLUE ? blue : green;
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.jdbcUrl());
        c.setPoolName("bench-" + side.name().toLowerCase(java.util.Locale.ROOT));
        c.setUsername(USER);
        c.setPassword(PASSWORD);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        return new HikariDataSource(c);
    }

    /** The libpq connection string a native subscription on green uses to reach blue (trust auth, no password). */
    String blueConnInfo() {
        return "host=localhost port=" + blue.port() + " dbname=" + DATABASE + " user=" + USER;
    }

    /** The libpq connection string a native subscription on blue uses to reach green (trust auth, no password). */
    String greenConnInfo() {
        return "host=localhost port=" + green.port() + " dbname=" + DATABASE + " user=" + USER;
    }

    /** A Cutover blue-to-green link over the given tables. */
    ReplicationLink link(String name, boolean initialCopy, String... tables) {
        return PostgresCutover.builder()
                .name(name)
                .blue(blue.jdbcUrl(), USER, PASSWORD)
                .green(green.jdbcUrl(), USER, PASSWORD)
                .tables(tables)
                .initialCopy(initialCopy)
                .startTimeout(Duration.ofSeconds(120))
                .build();
    }

    @Override
    public void close() {
        servers.close();
    }
}
