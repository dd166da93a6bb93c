package io.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.FleetMember;
import io.cutover.GuardRecovery;
import io.cutover.LiveSide;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetSignal;
import io.cutover.spi.KeyHandoff;
import io.cutover.spi.WriteGuard;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Cutover#liftLeftoverGuard}: a guard a dead coordinator left is lifted only when the fleet's
 * durable record (here on two in-memory databases) proves the flip did not happen and no live member
 * is cutting over.
 */
class LeftoverGuardsTest {
    private final JdbcDataSource blue = database();
    private final JdbcDataSource green = database();
    private final FleetChannel channel = FleetChannel.jdbc("orders", blue, green, Side.BLUE, FleetSignal.NONE,
            Duration.ofMillis(5));
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Guard guard = new Guard();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        channel.close();
    }

    @Test
    void liftLeftoverGuard_liftsTheSourcesGuard_whenTheFleetNeverFlippedAndNoCutoverIsOpen() {
        GuardRecovery r = Cutover.liftLeftoverGuard(member("coordinator"), link(Side.BLUE));

        assertThat(r.action()).isEqualTo(GuardRecovery.Action.LIFTED);
        assertThat(r.live()).isEqualTo(Side.BLUE);
        assertThat(guard.engaged()).isFalse();
        assertThat(channel.commandsAfter(0)).isEmpty();
    }

    @Test
    void liftLeftoverGuard_keepsTheGuard_andEngagesItAgain_whenTheFleetRecordsTheTargetLive() {
        channel.recordLiveSide(new LiveSide(Side.GREEN, 1));

        GuardRecovery r = Cutover.liftLeftoverGuard(member("coordinator"), link(Side.BLUE));

        assertThat(r.action()).isEqualTo(GuardRecovery.Action.KEPT);
        assertThat(r.live()).isEqualTo(Side.GREEN);
        assertThat(r.detail()).contains("blue is the old side");
        assertThat(guard.engaged()).isTrue();
        assertThat(guard.engages).isEqualTo(2);
        assertThat(guard.releases).isZero();
    }

    @Test
    void liftLeftoverGuard_liftsAndResumes_whenTheOpenPauseWasIssuedByThisMembersDeadIncarnation() {
        pause("coordinator");

        GuardRecovery r = Cutover.liftLeftoverGuard(member("coordinator"), link(Side.BLUE));

        assertThat(r.action()).isEqualTo(GuardRecovery.Action.LIFTED);
        assertThat(r.detail()).contains("earlier incarnation");
        assertThat(guard.engaged()).isFalse();
        assertThat(channel.commandsAfter(0)).extracting(FleetCommand::kind)
                .containsExactly(FleetCommand.Kind.PAUSE, FleetCommand.Kind.RESUME);
        assertThat(channel.commandsAfter(0).get(1).cutover()).isEqualTo("orders-1");
    }

    @Test
    void liftLeftoverGuard_refuses_whileALiveMemberHoldsAnOpenPause() {
        ConnectionSwitcher other = member("other");
        await().atMost(Duration.ofSeconds(5)).until(() -> channel.heartbeatAges().containsKey("other"));
        pause("other");

        assertThatThrownBy(() -> Cutover.liftLeftoverGuard(member("coordinator"), link(Side.BLUE)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'other' is running cutover orders-1");
        assertThat(guard.engaged()).isTrue();
        assertThat(other.current()).isEqualTo(Side.BLUE);
    }

    @Test
    void liftLeftoverGuard_refuses_withoutAFleet_andSaysHowToCheckByHand() {
        ConnectionSwitcher alone = ConnectionSwitcher.builder().blue(blue).green(green).build();
        open.add(alone);

        assertThatThrownBy(() -> Cutover.liftLeftoverGuard(alone, link(Side.BLUE)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a fleet member")
                .hasMessageContaining("link.sourceGuard().release()");
        assertThat(guard.engaged()).isTrue();
    }

    private void pause(String issuer) {
        channel.publish(new FleetCommand(0, FleetCommand.Kind.PAUSE, "orders-1", null, 0, 1000, 60_000, issuer,
                System.currentTimeMillis()));
    }

    private ConnectionSwitcher member(String id) {
        ConnectionSwitcher s = ConnectionSwitcher.builder().blue(blue).green(green)
                .fleet(FleetMember.builder(channel).memberId(id).heartbeatInterval(Duration.ofMillis(20))
                        .staleAfter(Duration.ofMillis(500)).coordinatorSilence(Duration.ofSeconds(30)))
                .build();
        open.add(s);
        return s;
    }

    private static JdbcDataSource database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    /** A guard engaged by the dead process, as the database reports it. */
    private static final class Guard implements WriteGuard {
        private volatile boolean engaged = true;
        private int engages = 1;
        private int releases;

        @Override
        public void engage() {
            engages++;
            engaged = true;
        }

        @Override
        public void release() {
            releases++;
            engaged = false;
        }

        @Override
        public boolean engaged() {
            return engaged;
        }
    }

    private ReplicationLink link(Side source) {
        ReplicationStream stream = (ReplicationStream) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ReplicationStream.class}, (p, m, a) -> {
                    if (m.getName().equals("name")) {
                        return "orders";
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return new ReplicationLink() {
            @Override public Side source() { return source; }
            @Override public ReplicationStream stream() { return stream; }
            @Override public void preflight() { }
            @Override public WriteGuard sourceGuard() { return guard; }
            @Override public WriteGuard targetGuard() { return WriteGuard.NONE; }
            @Override public KeyHandoff keyHandoff() { return null; }
            @Override public ReplicationLink prepareReverse() { return null; }
            @Override public void close() { }
        };
    }
}
