package io.cutover.spring;

import io.cutover.ReplicationLink;
import io.cutover.micrometer.CutoverMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Adds Cutover's meters ({@link CutoverMetrics}) when {@code io.cutover:cutover-micrometer} and
 * Micrometer are on the classpath: Spring Boot binds the bean, a {@code MeterBinder}, to the
 * application's registries, and {@link CutoverOperations} gives it every cutover and rollback as a
 * listener. The stream gauges follow whichever stream runs (blue to green, then green to blue),
 * tagged with {@code cutover.name}.
 */
@AutoConfiguration(after = CutoverAutoConfiguration.class)
@ConditionalOnClass({CutoverMetrics.class, MeterRegistry.class})
@ConditionalOnBean(CutoverOperations.class)
public class CutoverMetricsAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public CutoverMetricsAutoConfiguration() {
    }

    /**
     * The meters.
     *
     * @param props for the name tag
     * @param operations the running stream, read at each scrape
     * @return the metrics, a meter binder and a cutover listener
     */
    @Bean
    @ConditionalOnMissingBean
    public CutoverMetrics cutoverMetrics(CutoverProperties props, ObjectProvider<CutoverOperations> operations) {
        return CutoverMetrics.builder()
                .stream(props.getName(), () -> operations.getObject().link().map(ReplicationLink::stream).orElse(null))
                .build();
    }
}
