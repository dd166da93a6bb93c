package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.ManualClock;
import io.cutover.testing.RecordingDataSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CutoverRecorderTest {
    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(RecordingDataSource.named("blue"),
            RecordingDataSource.named("green"));
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
    private final ManualClock clock = new ManualClock();
    private final CutoverRecorder recorder = new CutoverRecorder(clock);

    CutoverRecorderTest() {
        link.stream().useClock(clock).start();
    }

    private Cutover.Builder cutover() {
        return Cutover.builder().name("orders").switcher(switcher).link(link).clock(clock).listener(recorder);
    }

    @Test
    void status_beforeAnyCutover_showsOnlyTheStream() {
        link.stream().applies(12);
        CutoverStatus status = recorder.status(link.stream());
        assertThat(status.stream().appliedTotal()).isEqualTo(12);
        assertThat(status.lastCutover()).isEmpty();
        assertThat(status.refusal()).isEmpty();
        assertThat(status.takenAt()).isEqualTo(clock.instant());
        assertThat(status.summary()).contains("stream 'blue->green' STREAMING", "applied 12", "no cutover ran yet");
    }

    @Test
    void status_afterAFlip_showsTheReportAndTheReverseStream() {
        Cutover c = cutover().build();
        CutoverResult result = c.execute();
        ReplicationLink reverse = c.reverseLink().orElseThrow();

        CutoverStatus status = recorder.status(reverse.stream());
        assertThat(status.lastCutover()).contains(result);
        assertThat(status.lastResult().outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        assertThat(status.stream().name()).isEqualTo(reverse.stream().name());
        assertThat(status.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);
        assertThat(status.summary()).contains("FLIPPED", "WRITE PAUSE");
    }

    @Test
    void status_afterAnAbort_showsTheAbortedReport() {
        link.stream().fenceTakes(Duration.ofSeconds(1));
        assertThatThrownBy(() -> cutover().fenceBeforePause(false).catchUpBudget(Duration.ofMillis(100)).build().execute())
                .isInstanceOf(CutoverAbortedException.class);
        CutoverResult last = recorder.lastResult().orElseThrow();
        assertThat(last.outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
        assertThat(last.abortReason()).contains("fence");
        assertThat(recorder.status(link.stream()).summary()).contains("ABORTED", "aborted:");
    }

    @Test
    void status_afterARefusal_showsWhyAndWhen_andListenersHearIt() {
        link.preflightFails("green has no table orders; create it first");
        clock.advance(Duration.ofSeconds(3));
        StringBuilder heard = new StringBuilder();
        Cutover c = cutover().listener(new CutoverListener() {
            @Override
            public void refused(String cutover, CutoverException failure) {
                heard.append(cutover).append(": ").append(failure.phase());
            }
        }).build();
        assertThatThrownBy(c::execute).isInstanceOf(PreflightException.class);

        assertThat(heard).hasToString("orders: PREFLIGHT");
        assertThat(recorder.lastResult()).isEmpty();
        LastError refusal = recorder.lastRefusal().orElseThrow();
        assertThat(refusal.type()).isEqualTo("PreflightException");
        assertThat(refusal.message()).contains("green has no table orders");
        assertThat(refusal.at()).isEqualTo(clock.instant());
        assertThat(recorder.status(link.stream()).summary()).contains("last refusal: PreflightException");
    }

    @Test
    void status_rejectsANullStream() {
        assertThatThrownBy(() -> recorder.status(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("stream");
    }
}
