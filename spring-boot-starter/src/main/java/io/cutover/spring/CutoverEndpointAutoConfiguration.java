package io.cutover.spring;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Adds the {@code cutover} actuator endpoint ({@link CutoverEndpoint}) when actuator is on the
 * classpath, Cutover is configured, and the endpoint is available (exposed and not disabled).
 */
@AutoConfiguration(after = CutoverAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(CutoverOperations.class)
@ConditionalOnAvailableEndpoint(CutoverEndpoint.class)
public class CutoverEndpointAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public CutoverEndpointAutoConfiguration() {
    }

    /**
     * The endpoint.
     *
     * @param operations the application's cutover
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    public CutoverEndpoint cutoverEndpoint(CutoverOperations operations) {
        return new CutoverEndpoint(operations);
    }
}
