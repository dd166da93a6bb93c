package io.cutover.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.CutoverResult;
import io.cutover.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo's own flow, small: one cutover and one rollback under load, both verified. */
class DemoIT {

    @Test
    void demo_cutsOverAndRollsBackUnderLoad_losingNoAcknowledgedWrite() throws Exception {
        Path report = Path.of("target", "demo-it-report.html");
        Files.deleteIfExists(report);
        DemoOptions options = DemoOptions.defaults().resized(800, 200, Duration.ofSeconds(1), report);

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
        assertThat(result.verifications().get(0).expectedRows()).isGreaterThan(800);
        assertThat(result.writesOnGreen()).isPositive();
        assertThat(result.writes()).isGreaterThan(result.writesOnGreen());
        assertThat(result.failedWrites()).isZero();
        assertThat(result.succeeded(2)).isTrue();
        assertThat(result.report()).isEqualTo(report);
        String html = Files.readString(report);
        assertThat(html.contains("<svg") && html.contains("total write pause") && html.contains("green &#8594; blue"))
                .as("report has the timeline and the phase table").isTrue();
        assertThat(html.contains("http:") || html.contains("https:") || html.contains("src="))
                .as("report fetches nothing").isFalse();
    }
}
