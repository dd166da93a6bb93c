package io.cutover.spring;

import io.cutover.spi.DialectBuilder;

/**
 * The dialects' builders, each behind its own nested class so that the JVM loads a dialect's
 * module only when that dialect is used: an application with {@code cutover-postgres} alone never
 * touches {@code MySqlCutover}.
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

    private static final class Postgres {
        static DialectBuilder<?> builder() {
            return io.cutover.postgres.PostgresCutover.builder();
        }
    }

    private static final class MySql {
        static DialectBuilder<?> builder() {
            return io.cutover.mysql.MySqlCutover.builder();
        }
    }
}
