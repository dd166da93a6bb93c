package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.FleetMember;
import io.cutover.LiveSide;
import io.cutover.Phase;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of three member JVMs writing through their own switchers while the test JVM coordinates
 * cutover, rollback and cutover again, written once for every dialect: every acknowledged write is
 * on the live side, none reached the old side after a flip, both sides end equal, and no write was
 * refused. Also measures the pause a fleet adds over a single instance. A dialect's IT supplies its
 * servers, its channel and the command line of its member main (which calls {@link FleetMemberLoop}).
 */
public abstract class FleetScenario {
    private static final Logger log = LoggerFactory.getLogger(FleetScenario.class);

    private final List<Process> processes = new ArrayList<>();

    /** Returns the dialect's two servers. */
    protected abstract Sides sides();

    /**
     * Returns a new channel for the fleet, as a member would make it.
     *
     * @param fleet the fleet's name
     * @return the channel
     */
    protected abstract FleetChannel channel(String fleet);

    /**
     * Returns the main class and arguments of a member JVM (the java command and class path are added).
     *
     * @param fleet the fleet's name
     * @param table the table it writes to
     * @param id the member's id
     * @param configured the side its static configuration names
     * @return the main class name, then its arguments
     */
    protected abstract List<String> memberMain(String fleet, String table, String id, Side configured);

    /**
     * Returns the DDL of a table with {@code tag} (primary key), {@code member}, {@code origin} (the
     * port of the server that took the write), {@code written_ms} (that server's clock, epoch ms).
     *
     * @param table the table's name
     * @return the statement
     */
    protected abstract String createTable(String table);

    /**
     * Returns the insert the members run: two parameters (tag, member), origin and written_ms set by the server.
     *
     * @param table the table
     * @return the statement
     */
    protected abstract String insert(String table);

    /**
     * Returns the value the member's insert puts in {@code origin} on a side.
     *
     * @param side the side
     * @return its port
     */
    protected abstract int origin(Side side);

    @AfterEach
    void killMembers() {
        processes.forEach(Process::destroyForcibly);
    }

    protected MemberJvm launch(String fleet, String table, String id, Side configured) throws IOException {
        return launch(fleet, table, id, configured, false);
    }

    /**
     * Starts a member JVM.
     *
     * @param joinOnSignal true to have it print {@code WAITING} and join only when {@link MemberJvm#signalJoin} is called
     */
    protected MemberJvm launch(String fleet, String table, String id, Side configured, boolean joinOnSignal) throws IOException {
        List<String> main = new ArrayList<>(memberMain(fleet, table, id, configured));
        if (joinOnSignal) {
            main.add(FleetMemberLoop.JOIN_ON_SIGNAL);
        }
        MemberJvm m = MemberJvm.start(id, main, fleet + "-" + id);
        processes.add(m.process());
        return m;
    }

    @Test
    void threeMemberJvms_pauseFlipAndResumeTogether_throughCutoverRollbackAndCutover() throws Exception {
        String table = "fleet_rows";
        for (Side side : Side.values()) {
            sides().exec(side, createTable(table));
        }
        ReplicationLink link = sides().link("fleet", table).build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(60));
        List<Instant> flips = new CopyOnWriteArrayList<>();
        CutoverListener flipTimes = new CutoverListener() {
            @Override
            public void phaseStarted(String cutover, Phase phase) {
                if (phase == Phase.FLIP) {
                    flips.add(Instant.now());
                }
            }
        };
        try (FleetChannel channel = channel("it");
                ConnectionSwitcher coordinator = ConnectionSwitcher.builder().blue(sides().app(Side.BLUE))
                        .green(sides().app(Side.GREEN))
                        .fleet(FleetMember.builder(channel).memberId("coordinator").heartbeatInterval(Duration.ofMillis(100))
                                .staleAfter(Duration.ofSeconds(1)).coordinatorSilence(Duration.ofSeconds(3)))
                        .build()) {
            // The coordinator writes too, at the members' rate, so the single instance is measured under load.
            InJvmWriter coordinatorWrites = new InJvmWriter(coordinator, insert(table));
            // A single instance first: the pause to compare with.
            Cutover solo = cutover("solo", coordinator, link, flipTimes);
            CutoverResult soloForward = solo.execute();
            Cutover soloBack = cutover("solo-back", coordinator, solo.reverseLink().orElseThrow(), flipTimes);
            CutoverResult soloBackward = soloBack.execute();
            assertThat(channel.readLiveSide()).contains(new LiveSide(Side.BLUE, 2));

            // Three members whose static configuration says green: they come up on the recorded side, blue.
            List<MemberJvm> members = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                members.add(launch("it", table, "m" + i, Side.GREEN));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> members.stream().allMatch(m -> m.acked().size() >= 20));
            assertThat(members).allSatisfy(m -> assertThat(m.lines()).contains("READY blue"));
            await().atMost(Duration.ofSeconds(10)).until(() -> live(channel).containsAll(Set.of("m1", "m2", "m3")));

            List<CutoverResult> fleetRuns = new ArrayList<>();
            ReplicationLink next = soloBack.reverseLink().orElseThrow();
            for (String name : List.of("fleet-1", "fleet-back", "fleet-2")) {
                List<Integer> marks = members.stream().map(m -> m.acked().size()).toList();
                Cutover run = cutover(name, coordinator, next, flipTimes);
                fleetRuns.add(run.execute());
                assertThat(coordinator.current()).isEqualTo(run.reverseLink().orElseThrow().source());
                // every member goes on writing, on the new side
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (int i = 0; i < members.size(); i++) {
                        if (members.get(i).acked().size() - marks.get(i) < 30) {
                            return false;
                        }
                    }
                    return true;
                });
                next = run.reverseLink().orElseThrow();
            }
            assertThat(channel.readLiveSide()).contains(new LiveSide(Side.GREEN, 5));

            for (MemberJvm m : members) {
                m.process().getOutputStream().close(); // EOF on stdin: the member stops
            }
            for (MemberJvm m : members) {
                assertThat(m.process().waitFor(30, TimeUnit.SECONDS)).as(m.id() + " stopped").isTrue();
                assertThat(m.process().exitValue()).as(m.id() + " exit").isZero();
            }
            coordinatorWrites.close();
            next.stream().awaitFence(Duration.ofSeconds(30)); // green -> blue carried the last writes back

            coordinatorWrites.close();
            Set<String> acked = verify(table, members, coordinatorWrites.acked(), flips, Side.BLUE);
            assertThat(coordinatorWrites.acked()).isNotEmpty();
            assertThat(coordinatorWrites.refused()).as("coordinator's writes refused").isZero();
            assertThat(flips).hasSize(5);
            assertThat(members.stream().flatMap(m -> m.errors().stream()).toList()).as("writes refused").isEmpty();

            String report = String.format("fleet pause (write pause of each cutover, ms): 1 member: %d, %d;"
                    + " coordinator + 3 member JVMs: %d, %d, %d; acknowledged writes %d",
                    soloForward.writePause().toMillis(), soloBackward.writePause().toMillis(),
                    fleetRuns.get(0).writePause().toMillis(), fleetRuns.get(1).writePause().toMillis(),
                    fleetRuns.get(2).writePause().toMillis(), acked.size());
            log.info(report);
            Files.writeString(Path.of("target", "fleet-it", "pause.txt"), report + System.lineSeparator()
                    + soloForward.summary() + soloBackward.summary()
                    + fleetRuns.stream().map(CutoverResult::summary).collect(Collectors.joining()));
            next.close();
            next.sourceGuard().release();
            next.targetGuard().release();
        }
    }

    /** A fleet under way: a forward link, a coordinator in this JVM, three writing member JVMs. */
    private record Fleet(String table, ReplicationLink link, FleetChannel channel, ConnectionSwitcher coordinator,
            List<MemberJvm> members) implements AutoCloseable {
        @Override
        public void close() {
            coordinator.close();
            channel.close();
        }
    }

    private Fleet fleet(String name) throws IOException {
        return fleet(name, 3);
    }

    private Fleet fleet(String name, int size) throws IOException {
        String table = name + "_rows";
        for (Side side : Side.values()) {
            sides().exec(side, createTable(table));
        }
        ReplicationLink link = sides().link(name, table).build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(60));
        FleetChannel channel = channel(name);
        ConnectionSwitcher coordinator = ConnectionSwitcher.builder().blue(sides().app(Side.BLUE)).green(sides().app(Side.GREEN))
                .fleet(FleetMember.builder(channel).memberId("coordinator").heartbeatInterval(Duration.ofMillis(100))
                        .staleAfter(Duration.ofSeconds(1)).coordinatorSilence(Duration.ofSeconds(3)))
                .build();
        List<MemberJvm> members = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            members.add(launch(name, table, "m" + i, Side.BLUE));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> members.stream().allMatch(m -> m.acked().size() >= 20));
        Set<String> ids = members.stream().map(MemberJvm::id).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(10)).until(() -> live(channel).containsAll(ids));
        return new Fleet(table, link, channel, coordinator, members);
    }

    private static CutoverListener flipTimes(List<Instant> flips) {
        return new CutoverListener() {
            @Override
            public void phaseStarted(String cutover, Phase phase) {
                if (phase == Phase.FLIP) {
                    flips.add(Instant.now());
                }
            }
        };
    }

    @Test
    void memberKilledMidCutover_theCutoverEndsWithinBudget_itsAcknowledgedWritesStay_andItsRestartComesUpOnTheLiveSide()
            throws Exception {
        try (Fleet f = fleet("killed")) {
            MemberJvm victim = f.members().get(1);
            List<Instant> flips = new CopyOnWriteArrayList<>();
            CutoverListener killAtPause = new CutoverListener() {
                @Override
                public void phaseStarted(String cutover, Phase phase) {
                    if (phase == Phase.PAUSE) {
                        victim.process().destroyForcibly(); // kill -9 as the pause goes out
                    }
                }
            };
            Cutover first = Cutover.builder().name("killed").switcher(f.coordinator()).link(f.link())
                    .drainBudget(Duration.ofSeconds(1)).listener(killAtPause).listener(flipTimes(flips)).build();
            long started = System.nanoTime();
            Cutover flipped = first;
            try {
                first.execute();
            } catch (io.cutover.CutoverAbortedException aborted) {
                // The victim died before it acked: everyone resumed on blue. Once its heartbeat is stale it is not
                // waited for, and the next attempt goes through.
                assertThat(aborted.getMessage()).contains("m2");
                assertThat(f.coordinator().current()).isEqualTo(Side.BLUE);
                await().atMost(Duration.ofSeconds(10)).until(() -> !live(f.channel()).contains("m2"));
                flipped = Cutover.builder().name("killed-again").switcher(f.coordinator()).link(f.link())
                        .drainBudget(Duration.ofSeconds(1)).listener(flipTimes(flips)).build();
                flipped.execute();
            }
            // the first attempt took at most its total budget (10 s) plus the flip's ack wait
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
            assertThat(victim.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(f.coordinator().current()).isEqualTo(Side.GREEN);

            MemberJvm restarted = launch("killed", f.table(), "r2", Side.BLUE); // the same instance, restarted

            await().atMost(Duration.ofSeconds(60)).until(() -> restarted.acked().size() >= 20);
            assertThat(restarted.lines()).contains("READY green");
            List<MemberJvm> all = new ArrayList<>(f.members());
            all.add(restarted);
            List<MemberJvm> running = all.stream().filter(m -> m != victim).toList();
            List<Integer> marks = running.stream().map(m -> m.acked().size()).toList();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (int i = 0; i < running.size(); i++) {
                    if (running.get(i).acked().size() - marks.get(i) < 20) {
                        return false;
                    }
                }
                return true;
            });
            MemberJvm.stopAll(running);
            ReplicationLink reverse = flipped.reverseLink().orElseThrow();
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            Set<String> acked = verify(f.table(), all, Set.of(), flips, Side.BLUE);
            assertThat(victim.acked()).isNotEmpty();
            assertThat(acked).containsAll(victim.acked());
            assertThat(all.stream().flatMap(m -> m.errors().stream()).toList()).as("writes refused").isEmpty();
            reverse.close();
            reverse.sourceGuard().release();
            reverse.targetGuard().release();
        }
    }

    @Test
    void memberFrozenThroughTheFlip_neverWritesTheOldSide_andMovesToTheNewSideWhenItThaws() throws Exception {
        try (Fleet f = fleet("frozen")) {
            MemberJvm frozen = f.members().get(2);
            frozen.signal("-STOP");
            await().atMost(Duration.ofSeconds(10)).until(() -> !live(f.channel()).contains("m3"));
            List<Instant> flips = new CopyOnWriteArrayList<>();
            Cutover cutover = Cutover.builder().name("frozen").switcher(f.coordinator()).link(f.link())
                    .drainBudget(Duration.ofSeconds(1)).listener(flipTimes(flips)).build();
            cutover.execute();
            int mark = frozen.acked().size();
            frozen.signal("-CONT");

            await().atMost(Duration.ofSeconds(30)).until(() -> frozen.acked().size() - mark >= 30);
            MemberJvm.stopAll(f.members());
            ReplicationLink reverse = cutover.reverseLink().orElseThrow();
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            verify(f.table(), f.members(), Set.of(), flips, Side.BLUE);
            // the others never saw a refusal; the thawed one may have (the old side's guard, or its own refusal to
            // borrow there) before it moved, and verify() showed none of its writes landed on the old side
            assertThat(f.members().get(0).errors()).isEmpty();
            assertThat(f.members().get(1).errors()).isEmpty();
            log.info("frozen member after thawing: {} refused write(s): {}", frozen.errors().size(), frozen.errors());
            reverse.close();
            reverse.sourceGuard().release();
            reverse.targetGuard().release();
        }
    }

    /**
     * A member that joins while the cutover's PAUSE is open takes that PAUSE as its own: it starts
     * paused, its first writes wait for the FLIP and land on the new side, none on the old side, and
     * none is refused or lost; the cutover flips. The joiner's JVM is started beforehand and joins
     * (builds its switcher) when the pause completes; the cutover is held at the start of GUARD until
     * the joiner has joined, and its writes are seen waiting there.
     */
    @Test
    void memberJoiningMidCutover_startsPaused_itsWritesWaitAndLandOnTheNewSide_theCutoverFlips() throws Exception {
        try (Fleet f = fleet("joined", 1)) {
            MemberJvm joiner = launch("joined", f.table(), "j1", Side.BLUE, true);
            await().atMost(Duration.ofSeconds(60)).until(() -> joiner.lines().contains("WAITING"));
            List<Instant> flips = new CopyOnWriteArrayList<>();
            List<String> heldUp = new CopyOnWriteArrayList<>(); // what the listener saw, asserted below
            CutoverListener joinDuringPause = new CutoverListener() {
                @Override
                public void phaseFinished(String cutover, Phase phase, Duration took) {
                    if (phase == Phase.PAUSE) {
                        joiner.signalJoin();
                        heldUp.add("join signalled");
                    }
                }

                @Override
                public void phaseStarted(String cutover, Phase phase) {
                    if (phase == Phase.GUARD) {
                        hold(heldUp, "joined", () -> joiner.lines().contains("READY blue"));
                        // joined and writing, yet nothing acknowledged nor refused: its writes wait for the flip
                        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                                .until(() -> joiner.acked().isEmpty() && joiner.errors().isEmpty());
                        heldUp.add("writes waiting");
                    }
                }
            };
            Cutover cutover = Cutover.builder().name("joined").switcher(f.coordinator()).link(f.link())
                    .drainBudget(Duration.ofSeconds(1)).totalBudget(Duration.ofSeconds(60)).catchUpBudget(Duration.ofSeconds(20))
                    .listener(joinDuringPause).listener(flipTimes(flips)).build();

            CutoverResult result = cutover.execute();

            assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(heldUp).containsExactly("join signalled", "joined", "writes waiting");
            await().atMost(Duration.ofSeconds(30)).until(() -> joiner.acked().size() >= 30);
            List<MemberJvm> all = List.of(f.members().get(0), joiner);
            MemberJvm.stopAll(all);
            ReplicationLink reverse = cutover.reverseLink().orElseThrow();
            reverse.stream().awaitFence(Duration.ofSeconds(30));

            Set<String> acked = verify(f.table(), all, Set.of(), flips, Side.BLUE);
            List<List<Object>> joinerRows = rows(Side.GREEN, f.table()).stream().filter(r -> "j1".equals(r.get(1))).toList();
            assertThat(joinerRows).as("the joiner's rows").hasSizeGreaterThanOrEqualTo(30)
                    .allSatisfy(r -> assertThat(r.get(2)).isEqualTo((long) origin(Side.GREEN)));
            assertThat(acked).containsAll(joiner.acked());
            assertThat(joiner.errors()).as("joiner's refused writes").isEmpty();
            log.info("joiner: {} acknowledged; m1's refusals: {}", joiner.acked().size(), f.members().get(0).errors());
            reverse.close();
            reverse.sourceGuard().release();
            reverse.targetGuard().release();
        }
    }

    /**
     * Heartbeats are stamped and judged on the database's clock: a member whose own clock is minutes
     * behind is live, so the coordinator pauses it, and it flips with the fleet.
     */
    @Test
    void memberWithAClockMinutesBehind_isCountedLive_pausedAndFlippedWithTheFleet() throws Exception {
        try (Fleet f = fleet("skewed", 0);
                ConnectionSwitcher skewed = ConnectionSwitcher.builder().blue(sides().app(Side.BLUE))
                        .green(sides().app(Side.GREEN))
                        .fleet(FleetMember.builder(f.channel()).memberId("skewed").heartbeatInterval(Duration.ofMillis(100))
                                .staleAfter(Duration.ofSeconds(1)).coordinatorSilence(Duration.ofSeconds(3))
                                .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(-7))))
                        .build()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> live(f.channel()).contains("skewed"));
            Cutover cutover = cutover("skewed", f.coordinator(), f.link(), null);

            cutover.execute();

            await().atMost(Duration.ofSeconds(10)).until(() -> skewed.current() == Side.GREEN && !skewed.pauser().isPaused());
            FleetMember coordinator = f.coordinator().fleet().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.lastPauses().stream()
                    .anyMatch(p -> p.member().equals("skewed")));
            ReplicationLink reverse = cutover.reverseLink().orElseThrow();
            reverse.close();
            reverse.sourceGuard().release();
            reverse.targetGuard().release();
        }
    }

    /**
     * The instances of a service usually start together (a deployment rolls out, a cluster restarts):
     * the first ones to reach a database without the fleet's tables create them at the same moment,
     * and each must join.
     */
    @Test
    void instancesStartingTogether_onDatabasesWithoutTheFleetTables_allJoin() throws Exception {
        int instances = 6;
        for (int round = 0; round < 8; round++) {
            for (Side side : Side.values()) {
                sides().exec(side, io.cutover.internal.FleetTables.ALL.stream().map(t -> "DROP TABLE IF EXISTS " + t)
                        .toArray(String[]::new));
            }
            List<FleetChannel> channels = new ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(instances);
            try {
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(instances);
                List<java.util.concurrent.Future<?>> joins = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    FleetChannel c = channel("together");
                    channels.add(c);
                    String member = "m" + i;
                    joins.add(pool.submit(() -> {
                        together.await();
                        c.readLiveSide();
                        c.heartbeat(new io.cutover.spi.FleetHeartbeat(member, Side.BLUE, 0, false, System.currentTimeMillis()));
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> j : joins) {
                    j.get(30, TimeUnit.SECONDS); // throws what a join threw
                }
                assertThat(channels.get(0).members()).as("round " + round).extracting(io.cutover.spi.FleetHeartbeat::member)
                        .containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5");
            } finally {
                pool.shutdownNow();
                channels.forEach(FleetChannel::close);
            }
        }
    }

    /** Holds the cutover's thread (from its listener) until the condition holds, and notes it. */
    private static void hold(List<String> seen, String what, java.util.concurrent.Callable<Boolean> until) {
        await().atMost(Duration.ofSeconds(30)).until(until);
        seen.add(what);
    }

    /**
     * Checks the accounting once the members stopped and the reverse stream caught up: every
     * acknowledged tag is on the live side, both sides are equal, and every row was taken by the side
     * that was live when it was written (so none reached the old side after a flip).
     *
     * @param table the table
     * @param members every member that wrote, running or not
     * @param alsoAcked tags acknowledged to writers in this JVM
     * @param flips when each flip began, in order
     * @param first the live side before the first flip
     * @return the acknowledged tags
     */
    protected Set<String> verify(String table, List<MemberJvm> members, Set<String> alsoAcked, List<Instant> flips, Side first)
            throws SQLException {
        Side live = flips.size() % 2 == 0 ? first : first.other();
        Set<String> acked = new HashSet<>(alsoAcked);
        for (MemberJvm m : members) {
            acked.addAll(m.acked());
        }
        List<List<Object>> onLive = rows(live, table);
        assertThat(onLive.stream().map(r -> (String) r.get(0)).collect(Collectors.toSet())).containsAll(acked);
        assertThat(rows(live.other(), table)).isEqualTo(onLive);
        for (List<Object> r : onLive) {
            long at = ((Number) r.get(3)).longValue();
            Side then = first;
            for (Instant f : flips) {
                if (at >= f.toEpochMilli()) {
                    then = then.other();
                }
            }
            assertThat(((Number) r.get(2)).intValue()).as("row " + r + " (flips at " + flips + ")").isEqualTo(origin(then));
        }
        return acked;
    }

    /** The table on a side: tag, member, origin, written_ms, by tag. */
    protected List<List<Object>> rows(Side side, String table) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = sides().app(side).getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tag, member, origin, written_ms FROM "
                        + table + " ORDER BY tag");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(List.of(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    protected static Set<String> live(FleetChannel channel) {
        return channel.heartbeatAges().entrySet().stream().filter(e -> e.getValue().toMillis() < 1000)
                .map(java.util.Map.Entry::getKey).collect(Collectors.toSet());
    }

    protected static Cutover cutover(String name, ConnectionSwitcher switcher, ReplicationLink link, CutoverListener listener) {
        Cutover.Builder b = Cutover.builder().name(name).switcher(switcher).link(link).drainBudget(Duration.ofSeconds(1));
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }
}
