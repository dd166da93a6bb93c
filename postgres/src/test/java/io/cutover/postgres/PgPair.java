package io.cutover.postgres;

/**
 * Blue and green PostgreSQL servers for one test class, started in parallel.
 */
final class PgPair implements AutoCloseable {

    final PgServer blue;
    final PgServer green;

    private PgPair(PgServer blue, PgServer green) {
        this.blue = blue;
        this.green = green;
    }

    static PgPair start() {
        java.util.concurrent.CompletableFuture<PgServer> g = java.util.concurrent.CompletableFuture.supplyAsync(PgServer::logical);
        PgServer b = PgServer.logical();
        return new PgPair(b, g.join());
    }

    /** A builder wired to both servers, with the given cutover name and tables. */
    PostgresCutover.Builder builder(String name, String... tables) {
        return PostgresCutover.builder()
                .name(name)
                .blue("localhost", blue.port(), PgServer.DATABASE, PgServer.USER, PgServer.PASSWORD)
                .green("localhost", green.port(), PgServer.DATABASE, PgServer.USER, PgServer.PASSWORD)
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
        try {
            blue.close();
        } finally {
            green.close();
        }
    }
}
