package io.cutover.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.CatchUpTimeoutException;
import io.cutover.CutoverException;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.Position;
import io.cutover.ReplicationStream.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeReplicationStreamTest {
    private final FakeReplicationStream stream = FakeReplicationStream.named("orders");

    @Test
    void lifecycle_movesThroughStartStopAndClose() {
        assertThat(stream.state()).isEqualTo(State.NEW);
        stream.start();
        assertThat(stream.state()).isEqualTo(State.STREAMING);
        assertThatThrownBy(stream::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected NEW, STOPPED or FAILED but was STREAMING");
        stream.stop();
        assertThat(stream.state()).isEqualTo(State.STOPPED);
        stream.start();
        assertThat(stream.starts()).isEqualTo(2);
        stream.close();
        stream.close();
        assertThat(stream.state()).isEqualTo(State.CLOSED);
        assertThatThrownBy(stream::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void awaitFence_whenCaughtUp_appliesNumberedFences() {
        stream.start();
        assertThat(stream.appliedPosition()).isEqualTo(Position.NONE);
        Fence first = stream.awaitFence(Duration.ofSeconds(1));
        Fence second = stream.awaitFence(Duration.ofSeconds(1));
        assertThat(first.id()).isEqualTo(1);
        assertThat(second.id()).isEqualTo(2);
        assertThat(stream.fences()).containsExactly(first, second);
        assertThat(stream.appliedPosition()).isEqualTo(second.position());
    }

    @Test
    void awaitFence_slowerThanTheTimeout_timesOutAndAdvancesTheClockByTheTimeout() {
        ManualClock clock = new ManualClock();
        java.time.Instant start = clock.instant();
        stream.start();
        stream.fenceTakes(Duration.ofSeconds(3)).useClock(clock);
        assertThat(stream.awaitFence(Duration.ofSeconds(5)).waited()).isEqualTo(Duration.ofSeconds(3));
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> stream.awaitFence(Duration.ofSeconds(2)))
                .isInstanceOf(CatchUpTimeoutException.class)
                .hasMessageContaining("not applied within 2000 ms");
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void nextFencesTake_scriptsEachFenceInTurn_thenFallsBackToFenceTakes() {
        ManualClock clock = new ManualClock();
        stream.start();
        stream.useClock(clock).fenceTakes(Duration.ofMillis(7)).nextFencesTake(Duration.ofMillis(300), Duration.ofMillis(20));

        assertThat(stream.awaitFence(Duration.ofSeconds(1)).waited()).isEqualTo(Duration.ofMillis(300));
        assertThatThrownBy(() -> stream.awaitFence(Duration.ofMillis(10))).isInstanceOf(CatchUpTimeoutException.class);
        assertThat(stream.awaitFence(Duration.ofSeconds(1)).waited()).isEqualTo(Duration.ofMillis(7));
        assertThat(clock.millis()).as("300 + the 10 ms timeout + 7").isEqualTo(new ManualClock().millis() + 317);

        stream.nextFencesTake(Duration.ofSeconds(2)).caughtUp();
        assertThat(stream.awaitFence(Duration.ofSeconds(1)).waited()).as("caughtUp forgets the script").isZero();
    }

    @Test
    void fenceNeverArrives_untilCaughtUpAgain() {
        stream.start();
        stream.fenceNeverArrives().lagging(new Lag(12, Duration.ofMillis(300)));
        assertThatThrownBy(() -> stream.awaitFence(Duration.ofMillis(10)))
                .isInstanceOf(CatchUpTimeoutException.class).hasMessageContaining("12 events / 300 ms");
        stream.caughtUp();
        assertThat(stream.lag()).isEqualTo(Lag.NONE);
        assertThat(stream.awaitFence(Duration.ofMillis(10)).id()).isEqualTo(2);
    }

    @Test
    void fail_reportsTheFailureAndRefusesFences() {
        stream.start();
        IllegalStateException boom = new IllegalStateException("source connection lost");
        stream.fail(boom);
        assertThat(stream.state()).isEqualTo(State.FAILED);
        assertThat(stream.failure()).contains(boom);
        assertThatThrownBy(() -> stream.awaitFence(Duration.ofSeconds(1))).isInstanceOf(CutoverException.class)
                .hasMessageContaining("is FAILED");
        stream.start();
        assertThat(stream.failure()).isEmpty();
    }

    @Test
    void failToStart_failsOnceThenStarts() {
        stream.failToStart(new IllegalStateException("slot in use"));
        assertThatThrownBy(stream::start).hasMessage("slot in use");
        assertThat(stream.state()).isEqualTo(State.NEW);
        stream.start();
        assertThat(stream.state()).isEqualTo(State.STREAMING);
    }

    @Test
    void recovering_showsTheRecoveryUntilRecovered_andOnlyAStreamingStreamRecovers() {
        assertThatThrownBy(() -> stream.recovering("blue", new IllegalStateException("reset")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NEW");
        stream.start();
        stream.recovering("blue", new IllegalStateException("Connection reset"));
        assertThat(stream.state()).isEqualTo(State.RECOVERING);
        assertThat(stream.recovery()).get().satisfies(r -> {
            assertThat(r.lost()).isEqualTo("blue");
            assertThat(r.lastError()).hasMessage("Connection reset");
        });
        stream.recovered();
        assertThat(stream.state()).isEqualTo(State.STREAMING);
        assertThat(stream.recovery()).isEmpty();
        assertThatThrownBy(stream::recovered).isInstanceOf(IllegalStateException.class);
    }
}
