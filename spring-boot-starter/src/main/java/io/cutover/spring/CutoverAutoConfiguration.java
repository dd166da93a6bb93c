package io.cutover.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.CutoverListener;
import io.cutover.spi.FleetChannel;
import io.cutover.transform.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Configures Cutover from {@code cutover.*} ({@link CutoverProperties}) once
 * {@code cutover.blue.url} is set:
 * <ul>
 *   <li>{@code blueDataSource} and {@code greenDataSource}: a HikariCP pool per side from
 *       {@code cutover.blue.*} / {@code cutover.green.*}, unless the application defines beans of
 *       those names (its own pools, with its own users);</li>
 *   <li>a {@link ConnectionSwitcher} over them as the {@code @Primary DataSource}, so Spring Boot's
 *       {@code JdbcTemplate}, transaction manager and JPA sit on it (Boot's own
 *       {@code spring.datasource.*} pool is then not created);</li>
 *   <li>unless {@code cutover.fleet.enabled=false}, a {@link FleetChannel} over two small pools of
 *       its own, which makes the switcher a member of the service's fleet
 *       ({@link CutoverFleetProperties});</li>
 *   <li>{@link CutoverOperations}: the stream's lifecycle, cutover, rollback, verify, finish and
 *       status, with the application's {@link CutoverTransform} and {@link TableMapping} beans as
 *       transforms and its {@link CutoverListener} beans as listeners.</li>
 * </ul>
 * Runs before Boot's DataSource auto-configuration, which backs off once a DataSource bean exists.
 * {@code cutover.enabled=false} turns it all off.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnProperty(prefix = "cutover", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnProperty(prefix = "cutover.blue", name = "url")
@EnableConfigurationProperties(CutoverProperties.class)
public class CutoverAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public CutoverAutoConfiguration() {
    }

    /**
     * The pool on blue, from {@code cutover.blue.*}.
     *
     * @param props the settings
     * @return a pool, closed with the context
     */
    @Bean(name = "blueDataSource", destroyMethod = "close")
    @ConditionalOnMissingBean(name = "blueDataSource")
    public HikariDataSource blueDataSource(CutoverProperties props) {
        return pool("blue", props.getBlue());
    }

    /**
     * The pool on green, from {@code cutover.green.*}.
     *
     * @param props the settings
     * @return a pool, closed with the context
     */
    @Bean(name = "greenDataSource", destroyMethod = "close")
    @ConditionalOnMissingBean(name = "greenDataSource")
    public HikariDataSource greenDataSource(CutoverProperties props) {
        return pool("green", props.getGreen());
    }

    /**
     * The fleet channel's own small pools, from {@code cutover.blue.*} and {@code cutover.green.*}
     * (see {@link FleetPools} for why not the application's).
     *
     * @param props the settings
     * @return the pools, closed with the context after the channel
     */
    @Bean(name = "cutoverFleetPools", destroyMethod = "close")
    @ConditionalOnProperty(prefix = "cutover.fleet", name = "enabled", havingValue = "true", matchIfMissing = true)
    @ConditionalOnMissingBean(FleetChannel.class)
    FleetPools cutoverFleetPools(CutoverProperties props) {
        props.getFleet().validate(props.getName());
        return FleetPools.of(props);
    }

    /**
     * The fleet's channel on the two databases, from the dialect's {@code fleetChannel}, named
     * {@code cutover.fleet.name} (default {@code cutover.name}). An application may define its own
     * {@link FleetChannel} bean instead (for instance another schema, or an in-memory fleet in tests).
     *
     * @param pools the channel's pools
     * @param props the settings
     * @return the channel, closed with the context after the switcher
     * @throws IllegalStateException if a fleet setting is not valid or the dialect's module is absent
     */
    @Bean(name = "cutoverFleetChannel", destroyMethod = "close")
    @ConditionalOnProperty(prefix = "cutover.fleet", name = "enabled", havingValue = "true", matchIfMissing = true)
    @ConditionalOnMissingBean(FleetChannel.class)
    public FleetChannel cutoverFleetChannel(@Qualifier("cutoverFleetPools") FleetPools pools, CutoverProperties props) {
        Dialect dialect = LinkFactory.dialectPresent(props, CutoverAutoConfiguration.class.getClassLoader());
        return pools.channel(dialect, props.getFleet().effectiveName(props.getName()));
    }

    /**
     * The application's DataSource: connections go to the live side. With
     * {@code cutover.fleet.enabled} (the default) it is a member of the fleet: it starts on the live
     * side recorded on the databases (green after a cutover, whatever the configuration says), and
     * a cutover run by any instance pauses, flips and resumes this one too.
     *
     * @param blue the blue pool
     * @param green the green pool
     * @param props the settings
     * @param fleet the fleet's channel, when the fleet is enabled
     * @return a switcher on blue, or on the fleet's live side
     * @throws IllegalStateException if a fleet setting is not valid
     * @throws io.cutover.CutoverException if the fleet's live side cannot be read from either database
     */
    @Bean
    @Primary
    @ConditionalOnMissingBean(ConnectionSwitcher.class)
    public ConnectionSwitcher cutoverSwitcher(@Qualifier("blueDataSource") DataSource blue,
            @Qualifier("greenDataSource") DataSource green, CutoverProperties props, ObjectProvider<FleetChannel> fleet) {
        ConnectionSwitcher.Builder b = ConnectionSwitcher.builder().blue(blue).green(green);
        CutoverFleetProperties settings = props.getFleet();
        FleetChannel channel = settings.isEnabled() ? fleet.getIfAvailable() : null;
        if (channel != null) {
            settings.validate(props.getName());
            b.fleet(settings.member(channel));
        }
        return b.build();
    }

    /**
     * The cutover's operations and the stream's lifecycle.
     *
     * @param switcher the application's DataSource
     * @param props the settings
     * @param transforms the application's transforms, if any
     * @param mappings the application's declarative mappings, if any
     * @param listeners every {@link CutoverListener} bean (Cutover's metrics among them), told of
     *     each cutover and rollback
     * @return the operations bean
     * @throws IllegalStateException if a setting is missing or the dialect's module is absent
     */
    @Bean
    @ConditionalOnMissingBean
    public CutoverOperations cutoverOperations(ConnectionSwitcher switcher, CutoverProperties props,
            ObjectProvider<CutoverTransform> transforms, ObjectProvider<TableMapping> mappings,
            ObjectProvider<CutoverListener> listeners) {
        List<CutoverTransform> all = new ArrayList<>();
        transforms.orderedStream().forEach(all::add);
        mappings.orderedStream().map(CutoverTransform::of).forEach(all::add);
        LinkFactory links = new LinkFactory(props, all, CutoverAutoConfiguration.class.getClassLoader());
        return new CutoverOperations(switcher, links::forward, links.dialect().name().toLowerCase(Locale.ROOT),
                () -> listeners.orderedStream().toList(), props);
    }

    private static HikariDataSource pool(String side, CutoverProperties.Database db) {
        if (db.getUrl() == null || db.getUrl().isBlank()) {
            throw new IllegalStateException("cutover." + side + ".url is not set");
        }
        HikariConfig c = new HikariConfig();
        c.setPoolName("cutover-" + side);
        c.setJdbcUrl(db.getUrl());
        c.setUsername(db.getUser());
        c.setPassword(db.getPassword());
        c.setMaximumPoolSize(db.getMaximumPoolSize());
        return new HikariDataSource(c);
    }
}
