package io.cutover.postgres;

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
import io.cutover.spi.FleetHeartbeat;
import io.cutover.testservers.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of three member JVMs ({@link FleetMemberMain}) writing through their own switchers while
 * the test JVM coordinates cutover, rollback and cutover again: every acknowledged write is on the
 * live side, none reached the old side after a flip, both sides end equal. Also measures the pause
 * a fleet adds over a single instance.
 */
class FleetIT {
    private static final Logger log = LoggerFactory.getLogger(FleetIT.class);

    private static PgPair pg;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @AfterEach
    void killMembers() {
        processes.forEach(Process::destroyForcibly);
    }

    /** One member JVM and the file its stdout goes to. */
    private record Member(String id, Process process, Path out) {
        List<String> lines() {
            try {
                return Files.readAllLines(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.of();
            }
        }

        Set<String> acked() {
            return lines().stream().filter(l -> l.startsWith("ACK ")).map(l -> l.substring(4)).collect(Collectors.toSet());
        }

        List<String> errors() {
            return lines().stream().filter(l -> l.startsWith("ERR ")).toList();
        }
    }

    private Member launch(String fleet, String id, Side configured) throws IOException {
        Path dir = Path.of("target", "fleet-it");
        Files.createDirectories(dir);
        Path out = dir.resolve(id + ".out");
        Path err = dir.resolve(id + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.showDateTime=true", FleetMemberMain.class.getName(), fleet,
                String.valueOf(pg.blue.port()), String.valueOf(pg.green.port()), id, configured.name())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        processes.add(p);
        return new Member(id, p, out);
    }

    private static int acksAfter(Member m, int mark) {
        return m.acked().size() - mark;
    }

    @Test
    void threeMemberJvms_pauseFlipAndResumeTogether_throughCutoverRollbackAndCutover() throws Exception {
        pg.both("CREATE TABLE fleet_rows (tag text PRIMARY KEY, member text NOT NULL,"
                + " origin int NOT NULL DEFAULT inet_server_port(), written_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        ReplicationLink link = pg.builder("fleet", "fleet_rows").build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        List<Instant> flips = new CopyOnWriteArrayList<>();
        CutoverListener flipTimes = new CutoverListener() {
            @Override
            public void phaseStarted(String cutover, Phase phase) {
                if (phase == Phase.FLIP) {
                    flips.add(Instant.now());
                }
            }
        };
        try (FleetChannel channel = PostgresCutover.fleetChannel("it", FleetMemberMain.admin(pg.blue.port()),
                FleetMemberMain.admin(pg.green.port()));
                ConnectionSwitcher coordinator = ConnectionSwitcher.builder().blue(PgDataSources.of(pg.blue))
                        .green(PgDataSources.of(pg.green))
                        .fleet(FleetMember.builder(channel).memberId("coordinator").heartbeatInterval(Duration.ofMillis(100))
                                .staleAfter(Duration.ofSeconds(1)).coordinatorSilence(Duration.ofSeconds(3)))
                        .build()) {
            // A single instance first: the pause to compare with.
            Cutover solo = cutover("solo", coordinator, link, null);
            CutoverResult soloForward = solo.execute();
            Cutover soloBack = cutover("solo-back", coordinator, solo.reverseLink().orElseThrow(), null);
            CutoverResult soloBackward = soloBack.execute();
            assertThat(channel.readLiveSide()).contains(new LiveSide(Side.BLUE, 2));

            // Three members whose static configuration says green: they come up on the recorded side, blue.
            List<Member> members = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                members.add(launch("it", "m" + i, Side.GREEN));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> members.stream().allMatch(m -> m.acked().size() >= 20));
            assertThat(members).allSatisfy(m -> assertThat(m.lines()).contains("READY blue"));
            await().atMost(Duration.ofSeconds(10)).until(() -> live(channel).containsAll(Set.of("m1", "m2", "m3")));

            List<CutoverResult> fleetRuns = new ArrayList<>();
            ReplicationLink next = soloBack.reverseLink().orElseThrow();
            for (String name : List.of("fleet-1", "fleet-back", "fleet-2")) {
                List<Integer> marks = members.stream().map(m -> m.acked().size()).toList();
                Cutover run = cutover(name, coordinator, next, flipTimes);
                fleetRuns.add(run.execute());
                Side live = run.reverseLink().orElseThrow().source();
                assertThat(coordinator.current()).isEqualTo(live);
                // every member goes on writing, on the new side
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (int i = 0; i < members.size(); i++) {
                        if (acksAfter(members.get(i), marks.get(i)) < 30) {
                            return false;
                        }
                    }
                    return true;
                });
                next = run.reverseLink().orElseThrow();
            }
            assertThat(channel.readLiveSide()).contains(new LiveSide(Side.GREEN, 5));

            for (Member m : members) {
                m.process().getOutputStream().close(); // EOF on stdin: the member stops
            }
            for (Member m : members) {
                assertThat(m.process().waitFor(30, TimeUnit.SECONDS)).as(m.id() + " stopped").isTrue();
                assertThat(m.process().exitValue()).as(m.id() + " exit").isZero();
            }
            next.stream().awaitFence(Duration.ofSeconds(30)); // green -> blue carried the last writes back

            Set<String> acked = new HashSet<>();
            List<String> errors = new ArrayList<>();
            for (Member m : members) {
                acked.addAll(m.acked());
                errors.addAll(m.errors());
            }
            Set<String> onGreen = pg.green.rows("SELECT tag FROM fleet_rows").stream().map(r -> r.get(0))
                    .collect(Collectors.toSet());
            assertThat(onGreen).containsAll(acked);
            assertThat(pg.blue.rows("SELECT tag, member, origin, written_at FROM fleet_rows ORDER BY tag"))
                    .isEqualTo(pg.green.rows("SELECT tag, member, origin, written_at FROM fleet_rows ORDER BY tag"));
            assertThat(flips).hasSize(3);
            int bluePort = pg.blue.port();
            int greenPort = pg.green.port();
            // No write reached the old side after a flip: blue's own rows before flip 1 or between flips 2 and 3,
            // green's own rows between flips 1 and 2 or after flip 3.
            assertThat(count("origin = " + bluePort + " AND ((written_at >= %1$s AND written_at < %2$s) OR written_at >= %3$s)",
                    flips)).isZero();
            assertThat(count("origin = " + greenPort + " AND (written_at < %1$s OR (written_at >= %2$s AND written_at < %3$s))",
                    flips)).isZero();
            assertThat(errors).as("writes refused").isEmpty();

            String report = String.format("fleet pause on PostgreSQL (write pause of each cutover, ms): 1 member: %d, %d;"
                    + " coordinator + 3 member JVMs: %d, %d, %d; acknowledged writes %d",
                    soloForward.writePause().toMillis(), soloBackward.writePause().toMillis(),
                    fleetRuns.get(0).writePause().toMillis(), fleetRuns.get(1).writePause().toMillis(),
                    fleetRuns.get(2).writePause().toMillis(), acked.size());
            log.info(report);
            Files.writeString(Path.of("target", "fleet-it", "pause.txt"), report + System.lineSeparator()
                    + fleetRuns.stream().map(r -> r.summary()).collect(Collectors.joining(System.lineSeparator())));
            next.close();
            next.sourceGuard().release();
            next.targetGuard().release();
        }
    }

    private static long count(String where, List<Instant> flips) {
        Object[] at = flips.stream().map(i -> "to_timestamp(" + i.toEpochMilli() + " / 1000.0)").toArray();
        return pg.green.count("SELECT count(*) FROM fleet_rows WHERE " + String.format(where, at));
    }

    private static Set<String> live(FleetChannel channel) {
        long now = System.currentTimeMillis();
        return channel.members().stream().filter(b -> now - b.at() < 1000).map(FleetHeartbeat::member)
                .collect(Collectors.toSet());
    }

    private static Cutover cutover(String name, ConnectionSwitcher switcher, ReplicationLink link, CutoverListener listener) {
        Cutover.Builder b = Cutover.builder().name(name).switcher(switcher).link(link).drainBudget(Duration.ofSeconds(1));
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }
}
