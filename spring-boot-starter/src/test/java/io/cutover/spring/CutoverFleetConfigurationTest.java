package io.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.LiveSide;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import io.cutover.testing.InMemoryFleet;
import io.cutover.testing.RecordingDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code cutover.fleet.*}: binding, defaults, validation, and the switcher the starter builds with
 * it, on an in-memory fleet (the application's own {@link FleetChannel} bean) so that no database
 * is needed. {@code CutoverFleetIT} runs the dialect's channel on real servers.
 */
class CutoverFleetConfigurationTest {

    private final InMemoryFleet fleet = InMemoryFleet.named("orders");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CutoverAutoConfiguration.class))
            .withUserConfiguration(AppPools.class)
            .withPropertyValues("cutover.name=orders", "cutover.blue.url=jdbc:postgresql://blue.invalid:5432/app",
                    "cutover.blue.user=cutover", "cutover.green.url=jdbc:postgresql://green.invalid:5432/app",
                    "cutover.green.user=cutover", "cutover.tables=users", "cutover.start-on-boot=false");

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

    /** The application's own channel, on the in-memory fleet. */
    private ApplicationContextRunner inMemory() {
        return runner.withBean(FleetChannel.class, fleet::channel);
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void properties_bindWithTheirDefaults() {
        runner.withPropertyValues("cutover.fleet.enabled=false").run(ctx -> {
            CutoverFleetProperties p = ctx.getBean(CutoverProperties.class).getFleet();
            assertThat(p.getName()).isNull();
            assertThat(p.effectiveName("orders")).isEqualTo("orders");
            assertThat(p.getMemberId()).isNull();
            assertThat(p.getHeartbeatInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(p.getStaleAfter()).isEqualTo(Duration.ofSeconds(2));
            assertThat(p.getCoordinatorSilence()).isEqualTo(Duration.ofSeconds(5));
        });
        runner.withPropertyValues("cutover.fleet.enabled=false", "cutover.fleet.name=orders-eu", "cutover.fleet.member-id=pod-7",
                "cutover.fleet.heartbeat-interval=100ms", "cutover.fleet.stale-after=1s",
                "cutover.fleet.coordinator-silence=3s").run(ctx -> {
                    CutoverFleetProperties p = ctx.getBean(CutoverProperties.class).getFleet();
                    assertThat(p.isEnabled()).isFalse();
                    assertThat(p.effectiveName("orders")).isEqualTo("orders-eu");
                    assertThat(p.getMemberId()).isEqualTo("pod-7");
                    assertThat(p.getHeartbeatInterval()).isEqualTo(Duration.ofMillis(100));
                    assertThat(p.getStaleAfter()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(p.getCoordinatorSilence()).isEqualTo(Duration.ofSeconds(3));
                });
    }

    @Test
    void byDefault_theSwitcherIsAMemberOfTheFleet_withTheIdSet() {
        inMemory().withPropertyValues("cutover.fleet.member-id=pod-7").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            FleetMember member = ctx.getBean(ConnectionSwitcher.class).fleet().orElseThrow();
            assertThat(member.id()).isEqualTo("pod-7");
            assertThat(member.fleet()).isEqualTo("orders");
            assertThat(fleet.members()).extracting(h -> h.member()).contains("pod-7");
            assertThat(ctx.getBean(CutoverOperations.class).status().fleet())
                    .isEqualTo(new CutoverStatus.Fleet("orders", "pod-7", false));
        });
        assertThat(fleet.members()).as("the member left the fleet with the context").extracting(h -> h.member())
                .doesNotContain("pod-7");
    }

    @Test
    void withoutAMemberId_theMemberGetsAnIdOfItsOwn() {
        inMemory().run(ctx -> {
            String id = ctx.getBean(ConnectionSwitcher.class).fleet().orElseThrow().id();
            assertThat(id).contains(String.valueOf(ProcessHandle.current().pid()));
        });
    }

    @Test
    void aRecordedLiveSideOfGreen_startsTheSwitcherOnGreen_andNoStreamStarts_sayingWhy() {
        fleet.liveSideOn(Side.BLUE, new LiveSide(Side.GREEN, 1));
        fleet.liveSideOn(Side.GREEN, new LiveSide(Side.GREEN, 1));
        inMemory().run(ctx -> {
            assertThat(ctx.getBean(ConnectionSwitcher.class).current()).isEqualTo(Side.GREEN);
            CutoverOperations ops = ctx.getBean(CutoverOperations.class);
            ops.start();
            assertThat(ops.isRunning()).isFalse();
            assertThat(ops.status().liveSide()).isEqualTo("green");
            assertThatIllegalStateException().isThrownBy(ops::rollback)
                    .withMessageContaining("the stream back to blue ended with that run");
        });
    }

    @Test
    void disabled_theSwitcherStandsAlone_andNoChannelIsBuilt() {
        runner.withPropertyValues("cutover.fleet.enabled=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(ConnectionSwitcher.class).fleet()).isEmpty();
            assertThat(ctx).doesNotHaveBean(FleetChannel.class).doesNotHaveBean("cutoverFleetPools");
            assertThat(ctx.getBean(CutoverOperations.class).status().fleet()).isNull();
        });
    }

    @Test
    void disabled_ignoresTheApplicationsChannel() {
        inMemory().withPropertyValues("cutover.fleet.enabled=false")
                .run(ctx -> assertThat(ctx.getBean(ConnectionSwitcher.class).fleet()).isEmpty());
    }

    @Test
    void enabled_withoutAChannelBean_buildsTheDialectsChannel_onPoolsOfItsOwn() {
        // The hosts do not resolve: the start fails reading the live side, after the channel was built.
        runner.run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("fleet 'orders'")
                    .hasStackTraceContaining("could not read the live side");
        });
    }

    @Test
    void invalidFleetName_failsTheStartNamingTheProperty() {
        runner.withPropertyValues("cutover.fleet.name=orders in eu").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("cutover.fleet.name is 'orders in eu'")
                    .hasMessageContaining("1 to 60 letters, digits, underscores or dashes");
        });
    }

    @Test
    void aCutoverNameThatIsNoFleetName_failsSayingWhereTheNameCameFrom() {
        inMemory().withPropertyValues("cutover.name=orders.v2").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("'orders.v2' (from cutover.name)")
                    .hasMessageContaining("set cutover.fleet.name");
        });
    }

    @Test
    void zeroHeartbeat_failsTheStartNamingTheProperty() {
        runner.withPropertyValues("cutover.fleet.heartbeat-interval=0s").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause()
                    .hasMessageContaining("cutover.fleet.heartbeat-interval is PT0S: it must be a positive duration");
        });
    }

    @Test
    void staleAfterNotAboveTheHeartbeat_failsTheStart() {
        inMemory()
                .withPropertyValues("cutover.fleet.heartbeat-interval=1s", "cutover.fleet.stale-after=1s").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining(
                            "cutover.fleet.stale-after is 1000 ms: it must exceed cutover.fleet.heartbeat-interval (1000 ms)");
                });
    }

    @Test
    void memberIdTooLong_failsTheStart() {
        inMemory().withPropertyValues("cutover.fleet.member-id=" + "x".repeat(121))
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("cutover.fleet.member-id")
                            .hasMessageContaining("1 to 120 characters");
                });
    }
}
