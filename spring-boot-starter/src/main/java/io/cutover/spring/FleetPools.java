package io.cutover.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.spi.FleetChannel;

/**
 * The fleet channel's own small pools, one per side, logged in as {@code cutover.blue.user} /
 * {@code cutover.green.user}. Not the application's pools: the channel holds its connections for
 * as long as the application runs (one per database, plus a listener's on PostgreSQL), which would
 * take them from the application; it needs an account that may create the fleet's tables (and,
 * on MySQL and MariaDB, write while blue is {@code read_only}), which the application's own users
 * may not be; and it must keep heartbeating while the application's writes are paused.
 *
 * <p>The pools connect lazily and do not fail their creation when a database is down: the
 * channel reads the live side from whichever database answers. Thread-safe; {@link #close()} is
 * idempotent.
 */
final class FleetPools implements AutoCloseable {

    /** Short, so that a database that is down stalls a heartbeat for this long at most. */
    private static final long CONNECTION_TIMEOUT_MILLIS = 2_000;

    private final HikariDataSource blue;
    private final HikariDataSource green;

    private FleetPools(HikariDataSource blue, HikariDataSource green) {
        this.blue = blue;
        this.green = green;
    }

    /**
     * Creates the pools from {@code cutover.blue.*} and {@code cutover.green.*}; nothing connects yet.
     *
     * @param props the settings
     * @return the pools
     * @throws IllegalStateException if a side's URL or user is not set
     */
    static FleetPools of(CutoverProperties props) {
        HikariDataSource b = pool("blue", props.getBlue());
        try {
            return new FleetPools(b, pool("green", props.getGreen()));
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /**
     * Opens the dialect's fleet channel over these pools.
     *
     * @param dialect the dialect, whose module is on the classpath
     * @param fleet the fleet's name
     * @return the channel; close it before these pools
     */
    FleetChannel channel(Dialect dialect, String fleet) {
        return DialectBuilders.fleetChannel(dialect, fleet, blue, green);
    }

    /** Closes both pools. Idempotent. */
    @Override
    public void close() {
        try {
            blue.close();
        } finally {
            green.close();
        }
    }

    private static HikariDataSource pool(String side, CutoverProperties.Database db) {
        if (db.getUrl() == null || db.getUrl().isBlank()) {
            throw new IllegalStateException("cutover." + side + ".url is not set; the fleet (cutover.fleet.enabled)"
                    + " keeps its state on both databases");
        }
        if (db.getUser() == null || db.getUser().isBlank()) {
            throw new IllegalStateException("cutover." + side + ".user is not set; the fleet logs in as the cutover"
                    + " account, which may create the fleet's tables");
        }
        HikariConfig c = new HikariConfig();
        c.setPoolName("cutover-fleet-" + side);
        c.setJdbcUrl(db.getUrl());
        c.setUsername(db.getUser());
        c.setPassword(db.getPassword());
        c.setMaximumPoolSize(CutoverFleetProperties.POOL_SIZE);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        c.setInitializationFailTimeout(-1);
        return new HikariDataSource(c);
    }
}
