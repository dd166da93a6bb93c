package io.cutover.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.CutoverResult;
import io.cutover.Side;
import io.cutover.examples.demo.DemoOptions;
import io.cutover.examples.demo.DemoResult;
import io.cutover.examples.demo.DemoRun;
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

    @Test
    void demoFlags_onMariaDb_cutOverAndRollBackUnderLoad_losingNoAcknowledgedWrite() throws Exception {
        Path base = Files.createTempDirectory("cutover-demo-mariadb-base-");
        Path report = Path.of("target", "demo-mariadb-it-report.html");
        Files.deleteIfExists(report);
        try (MariaDbBenchServer blue = MariaDbBenchServer.start(base, true, 1);
                MariaDbBenchServer green = MariaDbBenchServer.start(base, false, 2)) {
            DemoOptions options = DemoOptions.parse(new String[] {
                "--blue-url", "jdbc:mariadb://127.0.0.1:" + blue.port() + "/" + MariaDbBenchServer.DATABASE,
                "--green-url", "jdbc:mariadb://127.0.0.1:" + green.port() + "/" + MariaDbBenchServer.DATABASE,
                "--rows", "800", "--rate", "200", "--seconds", "1", "--report", report.toString()},
                    Map.of(DemoOptions.BLUE_USER, MariaDbBenchServer.USER, DemoOptions.BLUE_PASSWORD, MariaDbBenchServer.PASSWORD,
                            DemoOptions.GREEN_USER, MariaDbBenchServer.USER, DemoOptions.GREEN_PASSWORD, MariaDbBenchServer.PASSWORD));

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
