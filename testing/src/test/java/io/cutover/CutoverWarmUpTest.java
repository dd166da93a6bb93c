package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.ManualClock;
import io.cutover.testing.RecordingDataSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up at the end of preflight: what it runs, when it adds fences, and what a refusal leaves. */
class CutoverWarmUpTest {
    private final RecordingDataSource blue = RecordingDataSource.named("blue");
    private final RecordingDataSource green = RecordingDataSource.named("green");
    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
    private final ManualClock clock = new ManualClock();

    CutoverWarmUpTest() {
        link.stream().start();
        link.stream().useClock(clock);
    }

    private Cutover.Builder cutover() {
        return Cutover.builder().name("orders").switcher(switcher).link(link).clock(clock);
    }

    private List<String> fencesApplied() {
        return link.journal().stream().filter(l -> l.contains(" fence ")).toList();
    }

    @Test
    void preflight_rehearsesTheLinksPauseStatements_onceAndBeforeThePause_andReportsThem() {
        link.warmUpReports("pause statements rehearsed in 3 ms");

        CutoverResult result = cutover().build().execute();

        assertThat(link.warmUps()).isEqualTo(1);
        assertThat(result.checks()).contains("pause statements rehearsed in 3 ms")
                .anyMatch(c -> c.startsWith("warm-up before the pause took"));
    }

    @Test
    void aFenceBeforeThePauseThatCameBackQuickly_addsNoFence() {
        CutoverResult result = cutover().build().execute();

        assertThat(fencesApplied()).containsExactly("stream blue->green fence 1 applied", "stream blue->green fence 2 applied");
        assertThat(result.checks()).noneMatch(c -> c.contains("settled"));
    }

    @Test
    void aStreamStillDrainingItsBacklog_isFencedUntilAFenceComesBackSettled_beforeThePause() {
        // Just started: the fence before the pause waits 2 s, and each one after drains what built up meanwhile.
        link.stream().nextFencesTake(Duration.ofMillis(2000), Duration.ofMillis(700), Duration.ofMillis(90),
                Duration.ofMillis(12));

        CutoverResult result = cutover().build().execute();

        assertThat(result.checks()).contains("stream 'blue->green' settled before the pause: fences applied in"
                + " [2000, 700, 90, 12] ms");
        assertThat(fencesApplied()).hasSize(5);
        assertThat(result.fence().id()).as("the pause's fence comes after the four of preflight").isEqualTo(5);
        assertThat(result.fence().waited()).isZero();
        assertThat(result.writePause()).isZero();
    }

    @Test
    void fencesThatStopComingBackSooner_endTheWarmUp_ratherThanAddingMore() {
        link.stream().fenceTakes(Duration.ofMillis(300));

        CutoverResult result = cutover().build().execute();

        assertThat(result.checks()).contains("stream 'blue->green' settled before the pause: fences applied in"
                + " [300, 300, 300] ms");
        assertThat(fencesApplied()).hasSize(4);
    }

    @Test
    void aColdStreamThatDrainsUnevenly_isFencedOnPastOneSlowerFence_untilSettled() {
        // Measured on MariaDB right after a start: 1670, 1217, 1359 ms, then faster.
        link.stream().nextFencesTake(Duration.ofMillis(1670), Duration.ofMillis(1217), Duration.ofMillis(1359),
                Duration.ofMillis(400), Duration.ofMillis(15));

        CutoverResult result = cutover().catchUpBudget(Duration.ofSeconds(10)).build().execute();

        assertThat(result.checks()).contains("stream 'blue->green' settled before the pause: fences applied in"
                + " [1670, 1217, 1359, 400, 15] ms");
    }

    @Test
    void noFenceBeforeThePause_meansNoFenceInTheWarmUpEither() {
        link.stream().fenceTakes(Duration.ofMillis(300));

        cutover().fenceBeforePause(false).build().execute();

        assertThat(fencesApplied()).containsExactly("stream blue->green fence 1 applied");
        assertThat(link.warmUps()).isEqualTo(1);
    }

    @Test
    void settlingFences_areBoundByTheCatchUpBudget_andPastItTheCutoverRefusesWithNothingLeft() {
        link.stream().nextFencesTake(Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(2500));
        Cutover c = cutover().catchUpBudget(Duration.ofSeconds(2)).build();

        assertThatThrownBy(c::execute).isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.getMessage())
                .contains("stream 'blue->green' did not settle before the pause: fences applied in [1500, 1000] ms,"
                        + " then one not within catchUpBudget 2000 ms")
                .contains("catchUpBudget 2000 ms").contains("fenceBeforePause(false)"));

        assertThat(c.state()).isEqualTo(Cutover.State.READY);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(link.journal()).noneMatch(j -> j.contains("guard"));
        assertThat(link.earlyReverses()).as("prepared, discarded").containsExactly(1, 1);
    }

    @Test
    void aWarmUpThatCannotReachASide_refusesClearly_withWritesUntouched_andDiscardsWhatPreflightPrepared() {
        link.failToWarmUp(new PreflightException("green unreachable: connection refused", new java.sql.SQLException("refused", "08001")));
        Cutover c = cutover().build();

        assertThatThrownBy(c::execute).isInstanceOfSatisfying(PreflightException.class,
                e -> assertThat(e.getMessage()).contains("green unreachable"));

        assertThat(c.state()).isEqualTo(Cutover.State.READY);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(link.journal()).noneMatch(j -> j.contains("guard"));
        assertThat(link.earlyReverses()).as("prepared, discarded").containsExactly(1, 1);
    }

    @Test
    void anAbortAfterTheWarmUp_resumesOnTheSource_andDiscardsTheEarlyReverse() {
        link.warmUpReports("rehearsed").failToPrepareReverse();

        assertThatThrownBy(() -> cutover().build().execute()).isInstanceOf(CutoverAbortedException.class);

        assertThat(link.warmUps()).isEqualTo(1);
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        assertThat(link.earlyReverses()).as("prepared, discarded").containsExactly(1, 1);
    }
}
