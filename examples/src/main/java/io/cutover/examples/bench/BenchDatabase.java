package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.testservers.PostgresServer;

/**
 * One embedded PostgreSQL server with two HikariCP pools on it, and a switcher over the two: the
 * same pool is measured directly and through the switcher, so the difference is the switcher.
 */
final class BenchDatabase implements AutoCloseable {
    final PostgresServer server;
    final HikariDataSource pool;
    final HikariDataSource otherPool;
    final ConnectionSwitcher switcher;

    private BenchDatabase(PostgresServer server, int poolSize) {
        this.server = server;
        this.pool = pool(server, "bench-blue", poolSize);
        this.otherPool = pool(server, "bench-green", 1);
        this.switcher = ConnectionSwitcher.between(pool, otherPool);
    }

    static BenchDatabase start(int poolSize) {
        // synchronous_commit=off as the demo's servers had when these numbers were first taken
        // (BENCHMARKS.md): the switcher's cost is measured against a commit that does not wait for a flush.
        return new BenchDatabase(PostgresServer.builder().config("synchronous_commit", "off").start(), poolSize);
    }

    private static HikariDataSource pool(PostgresServer server, String name, int size) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(server.jdbcUrl());
        c.setUsername(PostgresServer.USER);
        c.setPassword(PostgresServer.PASSWORD);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        c.setAutoCommit(false);
        return new HikariDataSource(c);
    }

    @Override
    public void close() {
        switcher.close();
        pool.close();
        otherPool.close();
        server.close();
    }
}
