package io.cutover.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.DrainTimeoutException;
import io.cutover.FleetMember;
import io.cutover.LiveSide;
import io.cutover.Side;
import io.cutover.spi.FleetAck;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetHeartbeat;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryFleetTest {
    private final InMemoryFleet fleet = InMemoryFleet.named("orders");
    private final List<ConnectionSwitcher> switchers = new ArrayList<>();
    private final List<RecordingDataSource[]> pools = new ArrayList<>();

    @AfterEach
    void closeAll() {
        switchers.forEach(ConnectionSwitcher::close);
        fleet.close();
    }

    private ConnectionSwitcher member(String id) {
        return member(id, Side.BLUE, Duration.ofMillis(50));
    }

    private ConnectionSwitcher member(String id, Side startOn, Duration heartbeat) {
        RecordingDataSource blue = RecordingDataSource.named(id + "-blue");
        RecordingDataSource green = RecordingDataSource.named(id + "-green");
        ConnectionSwitcher s = ConnectionSwitcher.builder().blue(blue).green(green).startOn(startOn)
                .fleet(FleetMember.builder(fleet.channel()).memberId(id).heartbeatInterval(heartbeat)
                        .staleAfter(Duration.ofSeconds(2))
                        .coordinatorSilence(heartbeat.multipliedBy(2).compareTo(Duration.ofMillis(400)) > 0
                                ? heartbeat.multipliedBy(2) : Duration.ofMillis(400)))
                .build();
        switchers.add(s);
        pools.add(new RecordingDataSource[] {blue, green});
        return s;
    }

    private static Cutover cutover(ConnectionSwitcher coordinator, FakeReplicationLink link) {
        return Cutover.builder().name("orders").switcher(coordinator).link(link).drainBudget(Duration.ofMillis(300)).build();
    }

    private static void write(ConnectionSwitcher s, String sql) throws SQLException {
        try (Connection c = s.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    @Test
    void cutover_overTheFleet_flipsEveryMemberAndRecordsTheLiveSideOnBothDatabases() throws SQLException {
        ConnectionSwitcher a = member("a");
        ConnectionSwitcher b = member("b");
        ConnectionSwitcher c = member("c");
        FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
        link.stream().start();

        Cutover first = cutover(a, link);
        CutoverResult result = first.execute();

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        assertThat(a.current()).isEqualTo(Side.GREEN);
        // FLIP is published, not waited for: each member flips and resumes as it reads it, no RESUME follows.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (ConnectionSwitcher s : List.of(a, b, c)) {
                assertThat(s.current()).isEqualTo(Side.GREEN);
                assertThat(s.pauser().isPaused()).isFalse();
            }
        });
        assertThat(fleet.liveSideOn(Side.BLUE)).contains(new LiveSide(Side.GREEN, 1));
        assertThat(fleet.liveSideOn(Side.GREEN)).contains(new LiveSide(Side.GREEN, 1));
        assertThat(fleet.commands()).extracting(FleetCommand::kind)
                .containsExactly(FleetCommand.Kind.PAUSE, FleetCommand.Kind.FLIP);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.fleet().orElseThrow().lastPauses().size() == 3);
        write(b, "insert into t values (1)");
        assertThat(pools.get(1)[1].statements()).extracting(RecordingDataSource.Executed::sql).contains("insert into t values (1)");
        assertThat(pools.get(1)[0].statements()).isEmpty();

        // and back: a rollback over the reverse link is a fleet cutover too, one generation later
        Cutover.builder().name("orders").switcher(b).link(first.reverseLink().orElseThrow())
                .drainBudget(Duration.ofMillis(300)).build().execute();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (ConnectionSwitcher s : List.of(a, b, c)) {
                assertThat(s.current()).isEqualTo(Side.BLUE);
            }
        });
        assertThat(fleet.liveSideOn(Side.GREEN)).contains(new LiveSide(Side.BLUE, 2));
    }

    @Test
    void memberThatCannotDrain_nacksAndTheCutoverAbortsWithEveryMemberResumedOnTheOldSide() throws SQLException {
        ConnectionSwitcher a = member("a");
        ConnectionSwitcher b = member("b");
        ConnectionSwitcher c = member("c");
        FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
        link.stream().start();
        Connection held = c.getConnection(); // a write that never finishes on member c

        assertThatThrownBy(() -> cutover(a, link).execute())
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> {
                    assertThat(e.getCause()).isInstanceOf(DrainTimeoutException.class);
                    assertThat(e.getCause().getMessage()).contains("c (nack").doesNotContain("b (");
                });

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (ConnectionSwitcher s : List.of(a, b, c)) {
                assertThat(s.current()).isEqualTo(Side.BLUE);
                assertThat(s.pauser().isPaused()).isFalse();
            }
        });
        assertThat(fleet.liveSideOn(Side.BLUE)).isEmpty();
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        held.close();
        write(b, "insert into t values (2)");
        assertThat(pools.get(1)[0].statements()).extracting(RecordingDataSource.Executed::sql).contains("insert into t values (2)");
    }

    @Test
    void liveSideThatCannotBeRecordedOnBothDatabases_abortsWithEveryMemberResumedOnTheOldSide() {
        ConnectionSwitcher a = member("a");
        ConnectionSwitcher b = member("b");
        FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
        link.stream().start();
        fleet.sideDown(Side.GREEN, true);

        assertThatThrownBy(() -> cutover(a, link).execute()).isInstanceOf(CutoverAbortedException.class)
                .hasMessageContaining("could not record the live side");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (ConnectionSwitcher s : List.of(a, b)) {
                assertThat(s.current()).isEqualTo(Side.BLUE);
                assertThat(s.pauser().isPaused()).isFalse();
            }
        });
        // the half-written record was overwritten with a newer one naming the old side
        assertThat(fleet.liveSideOn(Side.BLUE)).contains(new LiveSide(Side.BLUE, 2));
        assertThat(b.fleet().orElseThrow().behind()).isFalse();
        fleet.sideDown(Side.GREEN, false);
        assertThat(member("restarted").current()).isEqualTo(Side.BLUE);
    }

    @Test
    void memberThatDoesNotAnswer_abortsTheCutoverNamingIt() {
        ConnectionSwitcher a = member("a");
        member("b");
        FleetChannel ghost = fleet.channel();
        ghost.heartbeat(new FleetHeartbeat("frozen", Side.BLUE, 0, false, System.currentTimeMillis() + 60_000));
        FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
        link.stream().start();

        assertThatThrownBy(() -> cutover(a, link).execute()).isInstanceOf(CutoverAbortedException.class)
                .hasMessageContaining("frozen (no answer in time)");
        assertThat(a.current()).isEqualTo(Side.BLUE);
        await().atMost(Duration.ofSeconds(5)).until(() -> !switchers.get(1).pauser().isPaused());
    }

    @Test
    void silentCoordinator_membersReadTheDurableSideMoveThereAndResume() {
        ConnectionSwitcher b = member("b");
        ConnectionSwitcher c = member("c");
        FleetChannel coordinator = fleet.channel();
        coordinator.heartbeat(new FleetHeartbeat("dead", Side.BLUE, 0, false, System.currentTimeMillis()));
        FleetCommand pause = coordinator.publish(new FleetCommand(0, FleetCommand.Kind.PAUSE, "x-1", null, 0, 300, 60_000,
                "dead", System.currentTimeMillis()));
        await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.acks(pause.seq()).size() == 2);
        assertThat(coordinator.acks(pause.seq())).allMatch(FleetAck::ok);
        assertThat(b.pauser().isPaused()).isTrue();
        // the coordinator recorded green, then died before telling anyone: no more heartbeats from it
        coordinator.recordLiveSide(new LiveSide(Side.GREEN, 1));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (ConnectionSwitcher s : List.of(b, c)) {
                assertThat(s.pauser().isPaused()).isFalse();
                assertThat(s.current()).isEqualTo(Side.GREEN);
            }
        });
    }

    @Test
    void silentCoordinatorBeforeTheRecord_membersResumeOnTheOldSide() {
        ConnectionSwitcher b = member("b");
        FleetChannel coordinator = fleet.channel();
        coordinator.heartbeat(new FleetHeartbeat("dead", Side.BLUE, 0, false, System.currentTimeMillis()));
        FleetCommand pause = coordinator.publish(new FleetCommand(0, FleetCommand.Kind.PAUSE, "x-1", null, 0, 300, 60_000,
                "dead", System.currentTimeMillis()));
        await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.acks(pause.seq()).size() == 1);
        assertThat(b.pauser().isPaused()).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> !b.pauser().isPaused());
        assertThat(b.current()).isEqualTo(Side.BLUE);
    }

    @Test
    void memberStartedAfterAFlip_comesUpOnTheLiveSideWhateverItsConfigurationSays() {
        ConnectionSwitcher a = member("a");
        FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
        link.stream().start();
        cutover(a, link).execute();

        ConnectionSwitcher late = member("late", Side.BLUE, Duration.ofMillis(50));

        assertThat(late.current()).isEqualTo(Side.GREEN);
        assertThat(late.fleet().orElseThrow().liveSide()).contains(new LiveSide(Side.GREEN, 1));
    }

    @Test
    void memberStartingWhileOneDatabaseIsDown_takesTheHigherGenerationItCanRead() {
        fleet.liveSideOn(Side.BLUE, new LiveSide(Side.BLUE, 2));
        fleet.liveSideOn(Side.GREEN, new LiveSide(Side.GREEN, 3));
        assertThat(member("both").current()).isEqualTo(Side.GREEN);

        fleet.sideDown(Side.GREEN, true);
        assertThat(member("greenDown", Side.GREEN, Duration.ofMillis(50)).current()).isEqualTo(Side.BLUE);

        fleet.sideDown(Side.GREEN, false);
        fleet.sideDown(Side.BLUE, true);
        assertThat(member("blueDown").current()).isEqualTo(Side.GREEN);
    }

    @Test
    void memberThatMissedTheFlip_refusesTheOldSideAndMovesWhenItsHeartbeatSeesTheNewGeneration() throws SQLException {
        ConnectionSwitcher straggler = member("straggler", Side.BLUE, Duration.ofMillis(50));
        fleet.channel().recordLiveSide(new LiveSide(Side.GREEN, 7)); // the fleet moved while it was frozen

        await().atMost(Duration.ofSeconds(5)).until(() -> straggler.current() == Side.GREEN);
        write(straggler, "insert into t values (3)");
        assertThat(pools.get(0)[0].statements()).isEmpty();
        assertThat(pools.get(0)[1].statements()).hasSize(1);
    }

    @Test
    void memberThatMissedThePause_movesOnTheFlipByItself() {
        ConnectionSwitcher s = member("slow", Side.BLUE, Duration.ofSeconds(1));
        FleetChannel other = fleet.channel();
        other.recordLiveSide(new LiveSide(Side.GREEN, 1));
        FleetCommand flip = other.publish(new FleetCommand(0, FleetCommand.Kind.FLIP, "x-2", Side.GREEN, 1, 0, 0, "someone", 0));

        await().atMost(Duration.ofMillis(900)).until(() -> s.current() == Side.GREEN); // before its next heartbeat
        assertThat(other.acks(flip.seq())).extracting(FleetAck::member, FleetAck::ok).containsExactly(org.assertj.core.groups.Tuple.tuple("slow", true));
        assertThat(s.fleet().orElseThrow().behind()).isFalse();
        assertThat(pools.get(0)[0].statements()).isEmpty();
    }

    @Test
    void guardRefusalOnTheOldSide_leadsTheMemberToTheNewSide() throws SQLException {
        // a heartbeat too slow to notice within the test: only the guard's refusal tells the member
        RecordingDataSource green = RecordingDataSource.named("guarded-green");
        javax.sql.DataSource guardedBlue = guarded(RecordingDataSource.named("guarded-blue"));
        ConnectionSwitcher s = ConnectionSwitcher.builder().blue(guardedBlue).green(green)
                .fleet(FleetMember.builder(fleet.channel()).memberId("guarded").heartbeatInterval(Duration.ofSeconds(20))
                        .staleAfter(Duration.ofSeconds(60)).coordinatorSilence(Duration.ofSeconds(60)))
                .build();
        switchers.add(s);
        fleet.channel().recordLiveSide(new LiveSide(Side.GREEN, 4));

        assertThatThrownBy(() -> write(s, "insert into t values (4)"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));

        await().atMost(Duration.ofSeconds(5)).until(() -> s.current() == Side.GREEN);
        write(s, "insert into t values (5)");
        assertThat(green.statements()).extracting(RecordingDataSource.Executed::sql).containsExactly("insert into t values (5)");
    }

    /** A DataSource whose statements fail as a guarded PostgreSQL table does. */
    private static javax.sql.DataSource guarded(RecordingDataSource delegate) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(InMemoryFleetTest.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (self, m, args) -> {
                    if (!m.getName().equals("getConnection")) {
                        return m.invoke(delegate, args);
                    }
                    Connection c = delegate.getConnection();
                    return java.lang.reflect.Proxy.newProxyInstance(InMemoryFleetTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (cs, cm, cargs) -> {
                                if (cm.getName().equals("createStatement")) {
                                    return java.lang.reflect.Proxy.newProxyInstance(InMemoryFleetTest.class.getClassLoader(),
                                            new Class<?>[] {Statement.class}, (ss, sm, sargs) -> {
                                                if (sm.getName().startsWith("execute")) {
                                                    throw new SQLException("cutover: table public.t is guarded", "25006");
                                                }
                                                return null;
                                            });
                                }
                                try {
                                    return cm.invoke(c, cargs);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
    }

    @Test
    void heartbeat_isStampedWithTheStoresClock_soAMemberWithASkewedClockIsLive() {
        FleetChannel channel = fleet.channel();
        channel.heartbeat(new FleetHeartbeat("skewed", Side.BLUE, 0, false, System.currentTimeMillis() - 600_000));

        assertThat(channel.heartbeatAges().get("skewed")).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void memberJoiningWhileAPauseIsOpen_startsPausedAndResumesOnTheFlip() {
        FleetChannel coordinator = fleet.channel();
        coordinator.heartbeat(new FleetHeartbeat("boss", Side.BLUE, 0, false, 0));
        coordinator.publish(new FleetCommand(0, FleetCommand.Kind.PAUSE, "x-3", null, 0, 300, 60_000, "boss", 0));

        ConnectionSwitcher joiner = member("joiner");
        assertThat(joiner.pauser().isPaused()).isTrue();
        coordinator.recordLiveSide(new LiveSide(Side.GREEN, 1));
        coordinator.publish(new FleetCommand(0, FleetCommand.Kind.FLIP, "x-3", Side.GREEN, 1, 0, 0, "boss", 0));

        await().atMost(Duration.ofSeconds(5)).until(() -> !joiner.pauser().isPaused() && joiner.current() == Side.GREEN);
    }

    @Test
    void builder_rejectsStaleBoundNotAboveTheHeartbeat() {
        FleetMember.Builder b = FleetMember.builder(fleet.channel()).heartbeatInterval(Duration.ofSeconds(3));
        assertThatThrownBy(() -> ConnectionSwitcher.builder().blue(RecordingDataSource.named("x"))
                .green(RecordingDataSource.named("y")).fleet(b).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("staleAfter");
        assertThatThrownBy(() -> FleetMember.builder(fleet.channel()).memberId(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FleetMember.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void close_leavesTheFleet() {
        ConnectionSwitcher s = member("leaver");
        assertThat(fleet.members()).extracting(FleetHeartbeat::member).contains("leaver");
        s.close();
        assertThat(fleet.members()).extracting(FleetHeartbeat::member).doesNotContain("leaver");
        assertThatThrownBy(s::getConnection).isInstanceOf(SQLException.class);
    }
}
