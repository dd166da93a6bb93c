package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.examples.demo.EmbeddedPostgres;

/**
 * One embedded PostgreSQL server with two HikariCP pools on it, and a switcher over the two: the
 * same pool is measured directly and through the switcher, so the difference is the switcher.
 */
final class BenchDatabase implements AutoCloseable {
    final EmbeddedPostgres server;
    final HikariDataSource pool;
    final HikariDataSource otherPool;
    final ConnectionSwitcher switcher;

    private BenchDatabase(EmbeddedPostgres server, int poolSize) {
        this.server = server;
        this.pool = pool(server, "bench-blue", poolSize);
        this.otherPool = pool(server, "bench-green", 1);
        this.switcher = ConnectionSwitcher.between(pool, otherPool);
    }

    static BenchDatabase start(int poolSize) {
        return new BenchDatabase(EmbeddedPostgres.start(), poolSize);
    }

    private static HikariDataSource pool(EmbeddedPostgres server, String name, int size) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(server.jdbcUrl());
        c.setUsername(EmbeddedPostgres.USER);
        c.setPassword(EmbeddedPostgres.PASSWORD);
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
