package io.cutover.examples.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.postgres.PostgresCutover;
import io.cutover.ReplicationLink;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The one piece of wiring Cutover needs: the application's two pools stay private, and the
 * {@link ConnectionSwitcher} over them is <em>the</em> {@code DataSource} bean, so Spring Boot
 * builds its {@code JdbcTemplate} and transaction manager on it.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    /**
     * The two pools. Not DataSource beans themselves, so nothing in the application can bypass
     * the switcher by injecting one of them.
     *
     * @param props the settings
     * @return the pools, closed with the context
     */
    @Bean(destroyMethod = "close")
    Pools pools(CutoverProperties props) {
        return new Pools(pool("blue", props.blue()), pool("green", props.green()));
    }

    /**
     * The application's DataSource.
     *
     * @param pools the two pools
     * @return a switcher starting on blue
     */
    @Bean
    @Primary
    ConnectionSwitcher dataSource(Pools pools) {
        return ConnectionSwitcher.between(pools.blue(), pools.green());
    }

    /**
     * Builds the blue-to-green link when the stream starts: v1 → v2 on the way there, v2 → v1 on
     * the way back.
     *
     * @param props the settings
     * @return a factory of the forward link
     */
    @Bean
    Supplier<ReplicationLink> forwardLink(CutoverProperties props) {
        UsersMapping users = new UsersMapping(props.table());
        return () -> PostgresCutover.builder()
                .name(props.name())
                .blue(props.blue().url(), props.blue().user(), props.blue().password())
                .green(props.green().url(), props.green().user(), props.green().password())
                .tables(props.table())
                .transform(props.table(), users.forward(), users.forward().reverse())
                .build();
    }

    private static HikariDataSource pool(String name, CutoverProperties.Database db) {
        Objects.requireNonNull(db, "cutover." + name + " is not configured (url, user, password)");
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(Objects.requireNonNull(db.url(), "cutover." + name + ".url"));
        c.setUsername(db.user());
        c.setPassword(db.password());
        c.setMaximumPoolSize(10);
        return new HikariDataSource(c);
    }

    /**
     * The application's two pools.
     *
     * @param blue the pool on blue
     * @param green the pool on green
     */
    record Pools(HikariDataSource blue, HikariDataSource green) implements AutoCloseable {
        @Override
        public void close() {
            blue.close();
            green.close();
        }
    }
}
