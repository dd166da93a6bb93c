package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.ManualClock;
import io.cutover.testing.RecordingDataSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PauseGateTest {
    private final RecordingDataSource blue = RecordingDataSource.named("blue");
    private final RecordingDataSource green = RecordingDataSource.named("green");
    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
    private final ManualClock clock = new ManualClock();

    PauseGateTest() {
        link.stream().start();
        link.stream().useClock(clock);
    }

    private Cutover.Builder cutover() {
        return Cutover.builder().name("orders").switcher(switcher).link(link).clock(clock);
    }

    @Test
    void new_rejectsNonPositiveOrUnreachableDurations() {
        assertThatThrownBy(() -> PauseGate.of(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caughtUpWithin must be positive");
        assertThatThrownBy(() -> PauseGate.of(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PauseGate.of(Duration.ofMillis(50), Duration.ofMillis(20)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxWait (20 ms) is shorter than caughtUpWithin (50 ms)");
        assertThatThrownBy(() -> PauseGate.of(null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("caughtUpWithin");
        assertThatThrownBy(() -> PauseGate.of(Duration.ofMillis(5), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("maxWait");
        assertThatThrownBy(() -> cutover().pauseGate(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("gate");
    }

    @Test
    void refusingOnMiss_keepsTheDurations() {
        PauseGate gate = PauseGate.of(Duration.ofMillis(20), Duration.ofSeconds(2));
        assertThat(gate.refuseOnMiss()).isFalse();
        assertThat(gate.refusingOnMiss()).isEqualTo(new PauseGate(Duration.ofMillis(20), Duration.ofSeconds(2), true));
    }

    @Test
    void execute_withAGate_startsThePauseOnlyOnceAFenceCameBackQuickly() {
        // no fence before the pause (and so no warm-up fences): three gate fences, two slow, one quick; then the pause's
        link.stream().nextFencesTake(Duration.ofMillis(300), Duration.ofMillis(120), Duration.ofMillis(15));

        CutoverResult result = cutover().fenceBeforePause(false)
                .pauseGate(PauseGate.of(Duration.ofMillis(20), Duration.ofSeconds(2))).build().execute();

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        assertThat(result.checks()).contains("pause gate: fence 3 applied in 15.0 ms (at most 20 ms) after 3 fences and 435.0 ms");
        assertThat(link.journal()).containsSubsequence("stream blue->green fence 1 applied", "stream blue->green fence 3 applied",
                "blue guard engaged", "stream blue->green fence 4 applied");
        assertThat(result.phases().get(0).phase()).isEqualTo(Phase.PREFLIGHT);
        assertThat(result.phases().get(0).duration()).as("the gate waits before the pause").isEqualTo(Duration.ofMillis(435));
        assertThat(result.writePause()).as("and not inside it").isLessThan(Duration.ofMillis(10));
    }

    @Test
    void execute_withAGateThatMisses_pausesAnywayAfterMaxWait() {
        link.stream().fenceTakes(Duration.ofMillis(100));

        CutoverResult result = cutover().fenceBeforePause(false)
                .pauseGate(PauseGate.of(Duration.ofMillis(20), Duration.ofMillis(250))).build().execute();

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        assertThat(result.checks()).anyMatch(c -> c.startsWith("pause gate missed: stream 'blue->green' applied no fence within"
                + " 20 ms of writing it in 250 ms of trying (2 applied, the quickest in 100.0 ms"));
        // two gate fences (200 ms), the third timed out on the 50 ms left
        assertThat(result.phases().get(0).duration()).isEqualTo(Duration.ofMillis(250));
        assertThat(switcher.current()).isEqualTo(Side.GREEN);
    }

    @Test
    void execute_withARefusingGateThatMisses_refusesWithWritesUntouched() {
        link.stream().fenceTakes(Duration.ofMillis(100));
        Cutover cutover = cutover().pauseGate(PauseGate.of(Duration.ofMillis(20), Duration.ofMillis(250)).refusingOnMiss()).build();

        assertThatThrownBy(cutover::execute).isInstanceOf(PreflightException.class)
                .hasMessageContaining("applied no fence within 20 ms of writing it in 250 ms of trying")
                .hasMessageContaining("raise the gate's caughtUpWithin or maxWait");
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        assertThat(cutover.state()).as("a refusal may be retried").isEqualTo(Cutover.State.READY);
    }

    @Test
    void aRefusalAfterTheGuardWasPrepared_discardsThePreparation_andTheNextCutoverPreparesAgain() {
        link.stream().fenceTakes(Duration.ofMillis(100));
        Cutover refused = cutover().pauseGate(PauseGate.of(Duration.ofMillis(20), Duration.ofMillis(250)).refusingOnMiss()).build();

        assertThatThrownBy(refused::execute).isInstanceOf(PreflightException.class);

        assertThat(link.guard(Side.BLUE).discards()).isEqualTo(1);
        assertThat(link.guard(Side.BLUE).preparationLeft()).isFalse();
        assertThat(link.guard(Side.BLUE).engagements()).isZero();

        link.stream().fenceTakes(Duration.ZERO);
        CutoverResult result = cutover().build().execute();
        assertThat(result.checks()).contains("blue guard prepared");
        assertThat(link.guard(Side.BLUE).engagements()).isEqualTo(1);
        assertThat(link.guard(Side.BLUE).discards()).as("engaged, so not discarded").isEqualTo(1);
    }

    @Test
    void execute_withAGate_whenTheStreamKeepsUp_costsOneFence() {
        CutoverResult result = cutover().pauseGate(PauseGate.of(Duration.ofMillis(20), Duration.ofSeconds(1))).build().execute();

        assertThat(result.checks()).contains("pause gate: fence 2 applied in 0.0 ms (at most 20 ms) after 1 fence and 0.0 ms");
        assertThat(link.stream().fences()).hasSize(3);
    }
}
