package io.cutover.spring;

import io.cutover.spi.DialectBuilder;
import io.cutover.spi.FleetChannel;
import javax.sql.DataSource;

/**
 * The dialects' builders, each behind its own nested class so that the JVM loads a dialect's
 * module only when that dialect is used: an application with {@code cutover-postgres} alone never
 * touches {@code MySqlCutover}. The same goes for their fleet channels.
 */
final class DialectBuilders {

    private DialectBuilders() {
    }

    static DialectBuilder<?> postgres() {
        return Postgres.builder();
    }

    static DialectBuilder<?> mysql() {
        return MySql.builder();
    }

    static FleetChannel fleetChannel(Dialect dialect, String fleet, DataSource blue, DataSource green) {
        return dialect == Dialect.POSTGRES ? Postgres.fleetChannel(fleet, blue, green) : MySql.fleetChannel(fleet, blue, green);
    }

    private static final class Postgres {
        static DialectBuilder<?> builder() {
            return io.cutover.postgres.PostgresCutover.builder();
        }

        static FleetChannel fleetChannel(String fleet, DataSource blue, DataSource green) {
            return io.cutover.postgres.PostgresCutover.fleetChannel(fleet, blue, green);
        }
    }

    private static final class MySql {
        static DialectBuilder<?> builder() {
            return io.cutover.mysql.MySqlCutover.builder();
        }

        static FleetChannel fleetChannel(String fleet, DataSource blue, DataSource green) {
            return io.cutover.mysql.MySqlCutover.fleetChannel(fleet, blue, green);
        }
    }
}
