package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ReplicationStream.State;
import io.cutover.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The stall watch's timing, driven by a manual clock: no thread, no sleep. */
class StallWatchdogTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final FakeStream stream = new FakeStream();
    private final StallWatchdog watchdog = new StallWatchdog("orders", "blue", "green", BOUND, clock, stream);

    /** A stream whose state, last record and batch in hand the test sets. */
    private final class FakeStream implements StallWatchdog.Watched {
        volatile State state = State.STREAMING;
        volatile long lastHeard;
        volatile boolean applying;
        final List<Throwable> stalls = new CopyOnWriteArrayList<>();

        @Override
        public State state() {
            return state;
        }

        @Override
        public long lastHeardMillis() {
            return lastHeard;
        }

        @Override
        public boolean applying() {
            return applying;
        }

        @Override
        public boolean stalled(Throwable why) {
            stalls.add(why);
            state = State.RECOVERING;
            return true;
        }

        void heard() {
            lastHeard = clock.millis();
        }
    }

    @Test
    void aSourceHeardWithinTheBound_isLeftAlone() {
        watchdog.streamingBegan();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(25));
            stream.heard();
            assertThat(watchdog.check()).isFalse();
        }
        assertThat(stream.stalls).isEmpty();
        watchdog.close();
    }

    @Test
    void aSourceSilentForTheBound_restartsTheStream_sayingWhatWasSilentAndForHowLong() {
        stream.heard();
        watchdog.streamingBegan();
        clock.advance(Duration.ofMillis(29_999));
        assertThat(watchdog.check()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(watchdog.check()).isTrue();
        assertThat(stream.stalls).hasSize(1);
        Throwable why = stream.stalls.get(0);
        assertThat(why.getMessage()).contains("stream 'orders' heard nothing from blue for 30.0 s")
                .contains("stallTimeout of 30.0 s").contains("offsets stored on green");
        assertThat(TransientErrors.reason(why)).as("the recovery takes it as transient").isPresent();
        watchdog.close();
    }

    @Test
    void silence_countsFromWhenTheStreamBeganStreaming_notFromAnOldRecord() {
        stream.heard();
        clock.advance(Duration.ofMinutes(5)); // recovering, say, with nothing heard
        watchdog.streamingBegan();
        clock.advance(Duration.ofSeconds(29));
        assertThat(watchdog.check()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(watchdog.check()).isTrue();
        watchdog.close();
    }

    @Test
    void aStreamNotStreaming_orApplyingABatch_isNotStalled() {
        watchdog.streamingBegan();
        clock.advance(Duration.ofMinutes(2));
        for (State s : List.of(State.COPYING, State.RECOVERING, State.STOPPED, State.FAILED, State.CLOSED, State.STARTING)) {
            stream.state = s;
            assertThat(watchdog.check()).as("%s", s).isFalse();
        }
        stream.state = State.STREAMING;
        stream.applying = true;
        assertThat(watchdog.check()).as("applying a long batch").isFalse();
        stream.applying = false;
        assertThat(watchdog.check()).isTrue();
        watchdog.close();
    }

    @Test
    void afterARestart_theWatchWaitsForTheNextStreaming() {
        watchdog.streamingBegan();
        clock.advance(BOUND);
        assertThat(watchdog.check()).isTrue();
        stream.state = State.STREAMING; // as if it resumed, but the move was not told yet
        clock.advance(BOUND.multipliedBy(2));
        assertThat(watchdog.check()).as("until streamingBegan() again").isFalse();
        watchdog.streamingBegan();
        assertThat(watchdog.check()).isFalse();
        clock.advance(BOUND);
        assertThat(watchdog.check()).isTrue();
        assertThat(stream.stalls).hasSize(2);
        watchdog.close();
    }

    @Test
    void aBoundThatIsNotPositive_isRefused() {
        assertThatThrownBy(() -> new StallWatchdog("orders", "blue", "green", Duration.ZERO, clock, stream))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
