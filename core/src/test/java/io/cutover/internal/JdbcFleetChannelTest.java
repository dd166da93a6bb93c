package io.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.MemberPause;
import io.cutover.Side;
import io.cutover.spi.FleetAck;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetSignal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class JdbcFleetChannelTest {

    private static JdbcDataSource database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private static FleetCommand resume(String cutover) {
        return new FleetCommand(0, FleetCommand.Kind.RESUME, cutover, null, 0, 0, 0, "coordinator", 0);
    }

    @Test
    void prune_deletesOlderCommandsAndTheirAcks_keepsTheRestAndTheNumbering() {
        try (FleetChannel channel = FleetChannel.jdbc("orders", database(), database(), Side.BLUE, FleetSignal.NONE,
                Duration.ofMillis(5))) {
            for (int i = 1; i <= 10; i++) {
                FleetCommand published = channel.publish(resume("c" + i));
                channel.ack(new FleetAck(published.seq(), "m1", true, ""));
            }

            channel.prune(8);

            assertThat(channel.commandsAfter(0)).extracting(FleetCommand::seq).containsExactly(8L, 9L, 10L);
            assertThat(channel.acks(7)).isEmpty();
            assertThat(channel.acks(8)).extracting(FleetAck::member).containsExactly("m1");
            assertThat(channel.latestSeq()).isEqualTo(10);
            assertThat(channel.publish(resume("c11")).seq()).isEqualTo(11);
        }
    }

    @Test
    void ack_twice_keepsTheLatestAnswer() {
        try (FleetChannel channel = FleetChannel.jdbc("orders", database(), database(), Side.BLUE, FleetSignal.NONE,
                Duration.ofMillis(5))) {
            long seq = channel.publish(resume("c1")).seq();
            channel.ack(new FleetAck(seq, "m1", false, "draining"));
            channel.ack(new FleetAck(seq, "m1", true, ""));

            assertThat(channel.acks(seq)).containsExactly(new FleetAck(seq, "m1", true, ""));
        }
    }

    @Test
    void prune_leavesOtherFleetsAlone() {
        JdbcDataSource blue = database();
        JdbcDataSource green = database();
        try (FleetChannel orders = FleetChannel.jdbc("orders", blue, green, Side.BLUE, FleetSignal.NONE, Duration.ofMillis(5));
                FleetChannel billing = FleetChannel.jdbc("billing", blue, green, Side.BLUE, FleetSignal.NONE,
                        Duration.ofMillis(5))) {
            for (int i = 0; i < 3; i++) {
                orders.publish(resume("o" + i));
                billing.publish(resume("b" + i));
            }

            orders.prune(3);

            assertThat(orders.commandsAfter(0)).hasSize(1);
            assertThat(billing.commandsAfter(0)).hasSize(3);
        }
    }

    @Test
    void pauseEndingAckDetail_carriesTheMembersPause_otherDetailsCarryNone() {
        assertThat(MemberCommands.pausedMillis(MemberCommands.pausedDetail(42))).isEqualTo(42);
        assertThat(MemberCommands.pausedMillis("")).isEqualTo(-1);
        assertThat(MemberCommands.pausedMillis("paused_ms=soon")).isEqualTo(-1);
    }

    @Test
    void coordinator_reportsEachMembersOwnPause_andPrunesOldCommands() throws Exception {
        JdbcDataSource blue = database();
        JdbcDataSource green = database();
        try (FleetChannel channel = FleetChannel.jdbc("orders", blue, green, Side.BLUE, FleetSignal.NONE, Duration.ofMillis(5));
                ConnectionSwitcher coordinator = switcher(channel, blue, green, "coordinator");
                ConnectionSwitcher other = switcher(channel, blue, green, "other")) {
            SwitcherMember member = (SwitcherMember) coordinator.fleet().orElseThrow();
            awaitMembers(member, List.of("other"));
            for (int i = 0; i < FleetSite.KEEP_COMMANDS / 2 + 2; i++) { // PAUSE and FLIP per cutover
                String name = "orders-" + i;
                FleetSite site = new FleetSite(member, name, Duration.ofSeconds(10), Duration.ofSeconds(5));
                site.pause(Duration.ofSeconds(2));
                site.flipTo(i % 2 == 0 ? Side.GREEN : Side.BLUE);
                site.resume();

                await().atMost(Duration.ofSeconds(5)).until(() -> member.lastPauses().get(0).cutover().equals(name));
                assertThat(member.lastPauses()).extracting(MemberPause::member).containsExactly("coordinator", "other");
                assertThat(member.lastPauses()).allSatisfy(p -> assertThat(p.pause()).isLessThan(Duration.ofSeconds(5)));
                await().atMost(Duration.ofSeconds(5)).until(() -> other.current() == coordinator.current());
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> channel.commandsAfter(0).size() <= FleetSite.KEEP_COMMANDS + 1);
            assertThat(channel.commandsAfter(0).get(0).seq()).isGreaterThan(1);
        }
    }

    private static ConnectionSwitcher switcher(FleetChannel channel, JdbcDataSource blue, JdbcDataSource green, String id) {
        return ConnectionSwitcher.builder().blue(blue).green(green)
                .fleet(FleetMember.builder(channel).memberId(id).heartbeatInterval(Duration.ofMillis(20)))
                .build();
    }

    private static void awaitMembers(SwitcherMember member, List<String> others) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!member.liveOthers().containsAll(others)) {
            assertThat(System.nanoTime()).as("members %s joined within 10 s", others).isLessThan(deadline);
            member.awaitSignal(member.signals(), 20);
        }
    }
}
