package io.cutover.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.CutoverResult;
import io.cutover.Side;
import io.cutover.examples.demo.DemoOptions;
import io.cutover.examples.demo.DemoResult;
import io.cutover.examples.demo.DemoRun;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo with its real-server flags, pointed at two MariaDB servers: the MySQL-family path
 * through {@code --blue-url jdbc:mariadb://…}, one cutover and one rollback under load, verified.
 * Lives beside the benchmarks because it starts the same embedded servers they do.
 */
class DemoOnMariaDbIT {
    private static final String DB = "bench";

    @Test
    void demoFlags_onMariaDb_cutOverAndRollBackUnderLoad_losingNoAcknowledgedWrite() throws Exception {
        Path report = Path.of("target", "demo-mariadb-it-report.html");
        Files.deleteIfExists(report);
        try (ServerPair<MariaDbServer> servers = ServerPair.start(
                () -> MariaDbServer.builder().name("blue").serverId(1).database(DB).start(),
                () -> MariaDbServer.builder().name("green").serverId(2).database(DB).start())) {
            MariaDbServer blue = servers.blue();
            MariaDbServer green = servers.green();
            DemoOptions options = DemoOptions.parse(new String[] {
                "--blue-url", "jdbc:mariadb://127.0.0.1:" + blue.port() + "/" + DB,
                "--green-url", "jdbc:mariadb://127.0.0.1:" + green.port() + "/" + DB,
                "--rows", "800", "--rate", "200", "--seconds", "1", "--report", report.toString()},
                    Map.of(DemoOptions.BLUE_USER, MariaDbServer.ADMIN_USER, DemoOptions.BLUE_PASSWORD, MariaDbServer.ADMIN_PASSWORD,
                            DemoOptions.GREEN_USER, MariaDbServer.ADMIN_USER, DemoOptions.GREEN_PASSWORD, MariaDbServer.ADMIN_PASSWORD));

            DemoResult result = new DemoRun(options, System.out).run();

            assertThat(result.failure()).isNull();
            assertThat(result.cutovers()).extracting(CutoverResult::outcome)
                    .containsExactly(CutoverResult.Outcome.FLIPPED, CutoverResult.Outcome.FLIPPED);
            assertThat(result.cutovers()).extracting(CutoverResult::to).containsExactly(Side.GREEN, Side.BLUE);
            assertThat(result.verifications()).hasSize(4).allSatisfy(v -> {
                assertThat(v.missing()).as(v.label()).isZero();
                assertThat(v.different()).as(v.label()).isZero();
                assertThat(v.extra()).as(v.label()).isZero();
                assertThat(v.actualChecksum()).as(v.label()).isEqualTo(v.expectedChecksum());
            });
            assertThat(result.writesOnGreen()).isPositive();
            assertThat(result.failedWrites()).isZero();
            assertThat(result.succeeded(2)).isTrue();
        }
    }
}
