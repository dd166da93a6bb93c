package io.cutover.postgres;

import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;

/**
 * Blue and green PostgreSQL servers for one test class, started in parallel, with a cutover
 * builder wired to both.
 */
final class PgPair implements AutoCloseable {

    final PostgresServer blue;
    final PostgresServer green;
    private final ServerPair<PostgresServer> servers;

    private PgPair(ServerPair<PostgresServer> servers) {
        this.servers = servers;
        this.blue = servers.blue();
        this.green = servers.green();
    }

    static PgPair start() {
        return new PgPair(PostgresServer.startPair());
    }

    /** A builder wired to both servers, with the given cutover name and tables. */
    PostgresCutover.Builder builder(String name, String... tables) {
        return PostgresCutover.builder()
                .name(name)
                .blue("localhost", blue.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .green("localhost", green.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .tables(tables)
                .startTimeout(java.time.Duration.ofSeconds(30));
    }

    /** Runs the same statements on both sides (schema set-up). */
    void both(String... sql) {
        blue.exec(sql);
        green.exec(sql);
    }

    @Override
    public void close() {
        servers.close();
    }
}
