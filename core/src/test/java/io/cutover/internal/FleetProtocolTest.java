package io.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.MemberPause;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetSignal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet's protocol over the JDBC channel (on two in-memory databases): a FLIP ends each
 * member's pause at once, a member that joins while a PAUSE is open starts paused, and heartbeats
 * are judged on the database's clock, not the members'.
 */
class FleetProtocolTest {
    private final JdbcDataSource blue = database();
    private final JdbcDataSource green = database();
    private final FleetChannel channel = FleetChannel.jdbc("orders", blue, green, Side.BLUE, FleetSignal.NONE,
            Duration.ofMillis(5));
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        channel.close();
    }

    private static JdbcDataSource database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private ConnectionSwitcher member(String id, Clock clock, Duration silence) {
        ConnectionSwitcher s = ConnectionSwitcher.builder().blue(blue).green(green)
                .fleet(FleetMember.builder(channel).memberId(id).heartbeatInterval(Duration.ofMillis(20))
                        .staleAfter(Duration.ofMillis(500)).coordinatorSilence(silence).clock(clock))
                .build();
        open.add(s);
        return s;
    }

    private ConnectionSwitcher member(String id) {
        return member(id, Clock.systemUTC(), Duration.ofSeconds(3));
    }

    private static SwitcherMember fleetOf(ConnectionSwitcher s) {
        return (SwitcherMember) s.fleet().orElseThrow();
    }

    private static FleetSite site(ConnectionSwitcher coordinator, String name) {
        return new FleetSite(fleetOf(coordinator), name, Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    private static void awaitLive(ConnectionSwitcher coordinator, String... others) {
        await().atMost(Duration.ofSeconds(10)).until(() -> fleetOf(coordinator).liveOthers().containsAll(List.of(others)));
    }

    private List<FleetCommand.Kind> kinds() {
        return channel.commandsAfter(0).stream().map(FleetCommand::kind).toList();
    }

    @Test
    void flip_endsEachMembersPauseAtOnce_beforeTheCoordinatorResumes_withNoResumeCommand() {
        ConnectionSwitcher coordinator = member("coordinator");
        ConnectionSwitcher other = member("other");
        awaitLive(coordinator, "other");
        FleetSite site = site(coordinator, "orders");

        site.pause(Duration.ofSeconds(2));
        assertThat(other.pauser().isPaused()).isTrue();
        site.flipTo(Side.GREEN);

        // the coordinator has not resumed: the member's pause ended on the FLIP alone
        await().atMost(Duration.ofSeconds(5)).until(() -> !other.pauser().isPaused() && other.current() == Side.GREEN);
        assertThat(coordinator.pauser().isPaused()).isTrue();
        site.resume();
        assertThat(kinds()).containsExactly(FleetCommand.Kind.PAUSE, FleetCommand.Kind.FLIP);
        await().atMost(Duration.ofSeconds(5)).until(() -> fleetOf(coordinator).lastPauses().size() == 2);
        assertThat(fleetOf(coordinator).lastPauses()).extracting(MemberPause::member).containsExactly("coordinator", "other");
    }

    @Test
    void pauseWithoutAFlip_resumesMembersWithResume_onTheOldSide() {
        ConnectionSwitcher coordinator = member("coordinator");
        ConnectionSwitcher other = member("other");
        awaitLive(coordinator, "other");
        FleetSite site = site(coordinator, "rehearsal");

        site.pause(Duration.ofSeconds(2));
        site.resume();

        await().atMost(Duration.ofSeconds(5)).until(() -> !other.pauser().isPaused());
        assertThat(other.current()).isEqualTo(Side.BLUE);
        assertThat(kinds()).containsExactly(FleetCommand.Kind.PAUSE, FleetCommand.Kind.RESUME);
    }

    @Test
    void memberJoiningWhileAPauseIsOpen_startsPaused_andItsFirstWriteLandsOnTheFlipsSide() throws Exception {
        for (JdbcDataSource db : List.of(blue, green)) {
            exec(db, "CREATE TABLE rows_written (tag VARCHAR(20) PRIMARY KEY)");
        }
        ConnectionSwitcher coordinator = member("coordinator");
        FleetSite site = site(coordinator, "orders");
        site.pause(Duration.ofSeconds(2));

        ConnectionSwitcher joiner = member("joiner");
        assertThat(joiner.pauser().isPaused()).as("paused as it joined").isTrue();
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try (Connection c = joiner.getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO rows_written VALUES ('j-1')");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !write.isDone());
        site.flipTo(Side.GREEN);
        site.resume();

        write.get(5, TimeUnit.SECONDS);
        assertThat(joiner.current()).isEqualTo(Side.GREEN);
        assertThat(count(green, "rows_written")).isEqualTo(1);
        assertThat(count(blue, "rows_written")).isZero();
    }

    @Test
    void memberJoiningAfterTheCutoverEnded_isNotPaused() {
        ConnectionSwitcher coordinator = member("coordinator");
        FleetSite site = site(coordinator, "orders");
        site.pause(Duration.ofSeconds(2));
        site.flipTo(Side.GREEN);
        site.resume();

        ConnectionSwitcher late = member("late");

        assertThat(late.pauser().isPaused()).isFalse();
        assertThat(late.current()).isEqualTo(Side.GREEN);
    }

    @Test
    void memberJoiningAPauseWhoseCoordinatorIsGone_givesUpWithinItsSilenceBound() {
        channel.publish(new FleetCommand(0, FleetCommand.Kind.PAUSE, "dead-1", null, 0, 300, 60_000, "dead",
                System.currentTimeMillis()));

        ConnectionSwitcher joiner = member("joiner", Clock.systemUTC(), Duration.ofMillis(300));

        assertThat(joiner.pauser().isPaused()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !joiner.pauser().isPaused());
        assertThat(joiner.current()).isEqualTo(Side.BLUE);
    }

    @Test
    void joinCursor_startsBeforeTheLastOpenPause_elseAfterTheLatestCommand() {
        FleetCommand pause = command(4, FleetCommand.Kind.PAUSE, "a");
        FleetCommand flip = command(5, FleetCommand.Kind.FLIP, "a");
        FleetCommand otherPause = command(6, FleetCommand.Kind.PAUSE, "b");

        assertThat(MemberCommands.joinCursor(List.of())).isZero();
        assertThat(MemberCommands.joinCursor(List.of(pause))).isEqualTo(3);
        assertThat(MemberCommands.joinCursor(List.of(pause, flip))).isEqualTo(5);
        assertThat(MemberCommands.joinCursor(List.of(pause, flip, otherPause))).isEqualTo(5);
    }

    @Test
    void memberWithAClockMinutesBehind_isCountedLiveByTheCoordinator() {
        ConnectionSwitcher coordinator = member("coordinator");
        member("skewed", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-7)), Duration.ofSeconds(3));

        awaitLive(coordinator, "skewed");
        assertThat(channel.heartbeatAges().get("skewed")).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void coordinatorWithAClockMinutesBehind_isNotTakenForSilent_itsMembersStayPausedUntilItsFlip() {
        ConnectionSwitcher coordinator = member("coordinator", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-7)),
                Duration.ofSeconds(3));
        ConnectionSwitcher other = member("other", Clock.systemUTC(), Duration.ofMillis(200));
        awaitLive(coordinator, "other");
        FleetSite site = site(coordinator, "orders");

        site.pause(Duration.ofSeconds(2));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> other.pauser().isPaused());
        site.flipTo(Side.GREEN);
        site.resume();

        await().atMost(Duration.ofSeconds(5)).until(() -> !other.pauser().isPaused() && other.current() == Side.GREEN);
    }

    private static FleetCommand command(long seq, FleetCommand.Kind kind, String cutover) {
        return new FleetCommand(seq, kind, cutover, kind == FleetCommand.Kind.FLIP ? Side.GREEN : null, 0, 0, 0, "c", 0);
    }

    private static void exec(JdbcDataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(JdbcDataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
