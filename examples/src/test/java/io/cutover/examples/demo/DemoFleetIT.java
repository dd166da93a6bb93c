package io.cutover.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.CutoverResult;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo with {@code --instances 3}: two member JVMs beside this one, all in one fleet, through a
 * cutover and a rollback; the checks count every instance's writes and the report has a row per
 * instance with its own pauses. On embedded PostgreSQL and, through the real-server flags, MariaDB.
 */
class DemoFleetIT {
    private static final String DB = "demofleet";

    @Test
    void threeInstances_onPostgres_allPauseAndFlipTogether_andEveryInstancesWritesAreVerified() throws Exception {
        Path report = Path.of("target", "demo-fleet-pg-report.html");
        Files.deleteIfExists(report);
        DemoOptions options = DemoOptions.parse(new String[] {"--rows", "500", "--rate", "200", "--seconds", "1",
            "--instances", "3", "--report", report.toString()}, Map.of());

        check(new DemoRun(options, System.out).run(), report);
    }

    @Test
    void threeInstances_onMariaDb_allPauseAndFlipTogether_andEveryInstancesWritesAreVerified() throws Exception {
        Path report = Path.of("target", "demo-fleet-mariadb-report.html");
        Files.deleteIfExists(report);
        try (ServerPair<MariaDbServer> servers = ServerPair.start(
                () -> MariaDbServer.builder().name("blue").serverId(1).database(DB).start(),
                () -> MariaDbServer.builder().name("green").serverId(2).database(DB).start())) {
            DemoOptions options = DemoOptions.parse(new String[] {
                "--blue-url", "jdbc:mariadb://127.0.0.1:" + servers.blue().port() + "/" + DB,
                "--green-url", "jdbc:mariadb://127.0.0.1:" + servers.green().port() + "/" + DB,
                "--rows", "500", "--rate", "200", "--seconds", "1", "--instances", "3", "--report", report.toString()},
                    Map.of(DemoOptions.BLUE_USER, MariaDbServer.ADMIN_USER, DemoOptions.BLUE_PASSWORD, MariaDbServer.ADMIN_PASSWORD,
                            DemoOptions.GREEN_USER, MariaDbServer.ADMIN_USER, DemoOptions.GREEN_PASSWORD, MariaDbServer.ADMIN_PASSWORD));

            check(new DemoRun(options, System.out).run(), report);
        }
    }

    private static void check(DemoResult result, Path report) throws Exception {
        assertThat(result.failure()).isNull();
        assertThat(result.cutovers()).extracting(CutoverResult::outcome)
                .containsExactly(CutoverResult.Outcome.FLIPPED, CutoverResult.Outcome.FLIPPED);
        assertThat(result.verifications()).hasSize(4).allSatisfy(v -> assertThat(v.ok()).as(v.line()).isTrue());
        assertThat(result.instances()).extracting(InstanceReport::name)
                .containsExactly("instance-0", "instance-1", "instance-2");
        assertThat(result.instances()).allSatisfy(i -> {
            assertThat(i.acknowledged()).as(i.name()).isPositive();
            assertThat(i.onGreen()).as(i.name() + " wrote on green after the cutover").isPositive();
            assertThat(i.acknowledged()).as(i.name() + " wrote on blue too").isGreaterThan(i.onGreen());
            assertThat(i.failed()).as(i.name()).isZero();
            assertThat(i.pauses()).as(i.name() + " paused once per cutover").hasSize(2);
        });
        assertThat(result.instances().stream().map(InstanceReport::pid).distinct()).as("separate processes").hasSize(3);
        // the member instances' rows are part of what was verified: more rows than this instance alone could leave
        long own = result.instances().get(0).acknowledged();
        assertThat(result.writes()).isEqualTo(result.instances().stream().mapToLong(InstanceReport::acknowledged).sum())
                .isGreaterThan(own);
        assertThat(result.verifications().get(0).expectedRows()).isGreaterThan(500 + own / 2);
        assertThat(result.succeeded(2)).isTrue();
        String html = Files.readString(report);
        assertThat(html).contains("<td>instance-0 (coordinator)</td>", "<td>instance-1</td>", "<td>instance-2</td>");
    }
}
