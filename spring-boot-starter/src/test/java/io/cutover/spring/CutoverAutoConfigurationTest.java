package io.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ConnectionSwitcher;
import io.cutover.Side;
import io.cutover.testing.RecordingDataSource;
import io.cutover.transform.Transforms;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

class CutoverAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class, CutoverEndpointAutoConfiguration.class,
                    DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class));

    /** Settings that need no server: the stream does not start, and the pools are the application's. */
    private ApplicationContextRunner configured() {
        return runner.withUserConfiguration(AppPools.class).withPropertyValues(
                "cutover.blue.url=jdbc:postgresql://blue.invalid:5432/app", "cutover.blue.user=cutover",
                "cutover.blue.password=blue-secret", "cutover.green.url=jdbc:postgresql://green.invalid:5432/app",
                "cutover.green.user=cutover", "cutover.green.password=green-secret", "cutover.tables=users",
                "cutover.start-on-boot=false", "cutover.fleet.enabled=false");
    }

    @Configuration(proxyBeanMethods = false)
    static class AppPools {
        @Bean
        DataSource blueDataSource() {
            return RecordingDataSource.named("app-blue");
        }

        @Bean
        DataSource greenDataSource() {
            return RecordingDataSource.named("app-green");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UsersTransform {
        @Bean
        CutoverTransform users() {
            return CutoverTransform.of(Transforms.forTable("users").key("id").build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OrdersTransform {
        @Bean
        CutoverTransform orders() {
            return CutoverTransform.of(Transforms.forTable("orders").key("id").build());
        }
    }

    @Test
    void withoutBlueUrl_configuresNothing() {
        // Without Boot's DataSource auto-configuration, which fails on its own when nothing sets a URL.
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class,
                CutoverEndpointAutoConfiguration.class)).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).doesNotHaveBean(CutoverOperations.class).doesNotHaveBean(ConnectionSwitcher.class);
        });
    }

    @Test
    void enabledFalse_configuresNothing() {
        configured().withPropertyValues("cutover.enabled=false").run(ctx -> {
            assertThat(ctx).doesNotHaveBean(CutoverOperations.class).doesNotHaveBean(ConnectionSwitcher.class);
        });
    }

    @Test
    void appPools_areWrappedByTheSwitcher_whichIsThePrimaryDataSourceUnderJdbcTemplate() {
        configured().run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ConnectionSwitcher switcher = ctx.getBean(ConnectionSwitcher.class);
            assertThat(ctx.getBean(DataSource.class)).isSameAs(switcher);
            assertThat(switcher.dataSource(Side.BLUE)).isSameAs(ctx.getBean("blueDataSource"));
            assertThat(switcher.dataSource(Side.GREEN)).isSameAs(ctx.getBean("greenDataSource"));
            assertThat(ctx.getBean(JdbcTemplate.class).getDataSource()).isSameAs(switcher);
        });
    }

    @Test
    void startOnBootFalse_leavesTheStreamUnstarted_andStatusSaysSo() {
        configured().run(ctx -> {
            CutoverOperations ops = ctx.getBean(CutoverOperations.class);
            assertThat(ops.isRunning()).isFalse();
            CutoverStatus status = ops.status();
            assertThat(status.liveSide()).isEqualTo("blue");
            assertThat(status.state()).isEqualTo("NEW");
            assertThat(status.dialect()).isEqualTo("postgres");
            assertThat(status.running()).isFalse();
            assertThat(status.lastCutover()).isNull();
        });
    }

    @Test
    void cutover_beforeTheStreamStarted_isRefusedWithTheFix() {
        configured().run(ctx -> {
            CutoverOperations ops = ctx.getBean(CutoverOperations.class);
            org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(ops::cutover)
                    .withMessageContaining("the stream is not running");
        });
    }

    @Test
    void dialect_isInferredFromAMariaDbUrl() {
        configured().withPropertyValues("cutover.blue.url=jdbc:mariadb://blue.invalid:3306/app",
                "cutover.green.url=jdbc:mariadb://green.invalid:3306/app").run(ctx -> {
                    assertThat(ctx.getBean(CutoverOperations.class).status().dialect()).isEqualTo("mysql");
                });
    }

    @Test
    void dialectProperty_winsOverTheUrl() {
        configured().withPropertyValues("cutover.dialect=mysql").run(ctx -> {
            assertThat(ctx.getBean(CutoverOperations.class).status().dialect()).isEqualTo("mysql");
        });
    }

    @Test
    void noTables_failsTheStartNamingTheProperty() {
        configured().withPropertyValues("cutover.tables=").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("cutover.tables is empty");
        });
    }

    @Test
    void unknownUrl_failsAskingForTheDialect_withoutShowingTheUrlsParameters() {
        configured().withPropertyValues("cutover.blue.url=jdbc:oracle:thin:@//blue.invalid:1521/app?password=leaked").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("set cutover.dialect=postgres or mysql")
                    .message().doesNotContain("leaked");
        });
    }

    @Test
    void transformBean_forATableNotReplicated_failsTheStart() {
        configured().withUserConfiguration(OrdersTransform.class).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause()
                    .hasMessageContaining("CutoverTransform bean is for table 'orders', which is not in cutover.tables [users]");
        });
    }

    @Test
    void transformBean_forAReplicatedTable_isAccepted() {
        configured().withUserConfiguration(UsersTransform.class).run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void endpoint_isThere_whenExposed() {
        configured().withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=cutover")
                .run(ctx -> assertThat(ctx).hasSingleBean(CutoverEndpoint.class));
    }

    @Test
    void endpoint_isAbsent_whenNotExposed() {
        configured().withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(CutoverEndpoint.class));
    }

    @Test
    void metrics_areThere_withCutoverMicrometer_andReadNaN_beforeTheStreamStarts() {
        configured().withConfiguration(AutoConfigurations.of(CutoverMetricsAutoConfiguration.class))
                .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(io.cutover.micrometer.CutoverMetrics.class);
                    io.micrometer.core.instrument.MeterRegistry registry = ctx.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                    ctx.getBean(io.cutover.micrometer.CutoverMetrics.class).bindTo(registry);
                    assertThat(registry.get("cutover.stream.lag.events").tag("name", "cutover").gauge().value()).isNaN();
                });
    }

    @Test
    void propertiesToString_leavesPasswordsAndUrlParametersOut() {
        CutoverProperties.Database db = new CutoverProperties.Database();
        db.setUrl("jdbc:postgresql://u:urlpw@blue:5432/app?password=p2");
        db.setUser("cutover");
        db.setPassword("hunter2");
        assertThat(db.toString()).isEqualTo("Database[url=jdbc:postgresql://blue:5432/app, user=cutover, password=(set)]")
                .doesNotContain("hunter2", "urlpw", "p2");
    }

    @Test
    void dialect_fromUrl_knowsEachPrefix() {
        assertThat(Dialect.fromUrl("jdbc:postgresql://h/db")).isEqualTo(Dialect.POSTGRES);
        assertThat(Dialect.fromUrl("jdbc:mysql://h/db")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.fromUrl("JDBC:MariaDB://h/db")).isEqualTo(Dialect.MYSQL);
        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> Dialect.fromUrl(null))
                .withMessageContaining("cutover.blue.url (not set)");
    }
}
