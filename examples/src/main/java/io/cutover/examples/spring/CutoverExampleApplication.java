package io.cutover.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A minimal Spring Boot service whose {@code DataSource} bean is a
 * {@link io.cutover.ConnectionSwitcher}: its {@code JdbcTemplate} writes through it, and
 * {@code POST /cutover} moves it to the other database while it keeps serving.
 *
 * <pre>
 * CUTOVER_BLUE_URL=jdbc:postgresql://blue:5432/app CUTOVER_BLUE_USER=... CUTOVER_BLUE_PASSWORD=...
 * CUTOVER_GREEN_URL=jdbc:postgresql://green:5432/app CUTOVER_GREEN_USER=... CUTOVER_GREEN_PASSWORD=...
 * java -cp ... io.cutover.examples.spring.CutoverExampleApplication
 * curl -X POST localhost:8080/users -H 'Content-Type: application/json' -d '{"name":"Ada","email":"ada@example.com"}'
 * curl -X POST localhost:8080/cutover
 * </pre>
 */
@SpringBootApplication
@EnableConfigurationProperties(CutoverProperties.class)
public class CutoverExampleApplication {

    /**
     * Starts the service.
     *
     * @param args Spring Boot arguments ({@code --cutover.blue.url=...} and so on)
     */
    public static void main(String[] args) {
        SpringApplication.run(CutoverExampleApplication.class, args);
    }
}
