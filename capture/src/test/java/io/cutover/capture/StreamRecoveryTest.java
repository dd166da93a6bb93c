package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.Lag;
import io.cutover.Recovery;
import io.cutover.ReplicationStream.State;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The recovery loop against fake runs: real threads and the real clock, no engine, no database. */
class StreamRecoveryTest {

    /** Runs whose resume fails {@code failures} times with {@code error}, then succeeds. */
    private static final class FakeRuns implements StreamRecovery.Runs {
        final AtomicReference<State> state = new AtomicReference<>(State.STREAMING);
        final AtomicInteger resumes = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        final List<Throwable> gaveUp = new CopyOnWriteArrayList<>();
        volatile int failures;
        volatile CountDownLatch blocked;
        volatile RuntimeException error = new RuntimeException("x", new SQLException("Connection refused", "08001"));

        @Override
        public void stopRun() {
            stops.incrementAndGet();
        }

        @Override
        public void resume(Duration timeout) {
            CountDownLatch b = blocked;
            if (b != null) {
                try {
                    b.await(); // an attempt stuck on a frozen path: no answer, no error
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (resumes.incrementAndGet() <= failures) {
                throw error;
            }
        }

        @Override
        public State state() {
            return state.get();
        }

        @Override
        public boolean recovered() {
            return state.compareAndSet(State.RECOVERING, State.STREAMING);
        }

        @Override
        public void giveUp(Throwable e) {
            gaveUp.add(e);
            state.set(State.FAILED);
        }

        @Override
        public Lag lag() {
            return Lag.NONE;
        }
    }

    private final FakeRuns runs = new FakeRuns();

    private StreamRecovery recovery(Duration budget) {
        return new StreamRecovery("orders", "blue", "green", budget, Duration.ofSeconds(5), Clock.systemUTC(), runs, false);
    }

    /** What the lifecycle does on a failure it hands over. */
    private static void lose(StreamRecovery r, FakeRuns runs, Throwable error) {
        assertThat(r.accepts(error)).isTrue();
        r.lost(error);
        runs.state.set(State.RECOVERING);
        r.begin();
    }

    @Test
    void transientResumeFailures_areRetried_untilARunPolls_thenTheStreamStreams() {
        StreamRecovery r = recovery(Duration.ofMinutes(1));
        runs.failures = 2;
        lose(r, runs, new SQLException("Connection reset", "08006"));
        Recovery seen = r.current().orElseThrow();
        assertThat(seen.lost()).isEqualTo("blue");
        assertThat(seen.lastError()).hasMessage("Connection reset");
        await().atMost(Duration.ofSeconds(15)).until(() -> runs.state() == State.STREAMING);
        assertThat(runs.resumes).hasValue(3);
        assertThat(runs.stops.get()).isGreaterThanOrEqualTo(3); // the lost run, then each failed attempt
        assertThat(r.current()).isEmpty();
        assertThat(runs.gaveUp).isEmpty();
    }

    @Test
    void aLostTarget_isNamedAsTheTarget() {
        StreamRecovery r = recovery(Duration.ofMinutes(1));
        runs.failures = 1_000;
        lose(r, runs, new TargetApplyException("applying failed", new SQLException("Connection reset", "08006")));
        assertThat(r.current().orElseThrow().lost()).isEqualTo("green");
        r.quiesce(true, Duration.ofSeconds(5));
    }

    @Test
    void whileRecovering_theAttemptsAndTheLastErrorAreVisible() {
        StreamRecovery r = recovery(Duration.ofMinutes(1));
        runs.failures = 1_000;
        lose(r, runs, new SQLException("Connection reset", "08006"));
        await().atMost(Duration.ofSeconds(10)).until(() -> r.current().map(Recovery::attempts).orElse(0) >= 2);
        Recovery now = r.current().orElseThrow();
        assertThat(now.lastError().getCause()).hasMessage("Connection refused");
        assertThat(now.givesUpAt()).isAfter(now.since());
        r.quiesce(true, Duration.ofSeconds(5));
    }

    @Test
    void aSpentBudget_failsTheStream_sayingWhatWasLostAndWhatToCheck() {
        StreamRecovery r = recovery(Duration.ofMillis(1_500));
        runs.failures = 1_000;
        lose(r, runs, new SQLException("Connection reset", "08006"));
        await().atMost(Duration.ofSeconds(15)).until(() -> runs.state() == State.FAILED);
        assertThat(runs.gaveUp).hasSize(1);
        assertThat(runs.gaveUp.get(0)).hasMessageContaining("stream 'orders' gave up after recovering for")
                .hasMessageContaining("lost blue (Connection refused)")
                .hasMessageContaining("check that blue is up and reachable")
                .hasMessageContaining("offsets stored on green");
    }

    @Test
    void anAttemptBlockedPastTheBudget_failsTheStreamAtItsBound_andItsRunIsStopped() {
        StreamRecovery r = recovery(Duration.ofMillis(1_500));
        runs.blocked = new CountDownLatch(1);
        try {
            long lostAt = System.nanoTime();
            lose(r, runs, new SQLException("Connection reset", "08006"));
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.state() == State.FAILED);
            Duration took = Duration.ofNanos(System.nanoTime() - lostAt);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_500).plus(StreamRecovery.GRACE))
                    .isLessThan(Duration.ofMillis(1_500).plus(StreamRecovery.GRACE).plusSeconds(3));
            assertThat(runs.gaveUp).hasSize(1);
            assertThat(runs.gaveUp.get(0)).hasMessageContaining("gave up after recovering for")
                    .hasMessageContaining("1 attempts").hasMessageContaining("lost blue").hasMessageContaining("blocked for");
            assertThat(runs.stops.get()).isGreaterThanOrEqualTo(2); // the lost run, then the blocked attempt's
        } finally {
            runs.blocked.countDown();
        }
    }

    @Test
    void anErrorRetryingCannotFix_whileResuming_failsTheStreamWithThatError() {
        StreamRecovery r = recovery(Duration.ofMinutes(1));
        runs.failures = 1_000;
        RuntimeException denied = new RuntimeException(new SQLException("permission denied for table orders", "42501"));
        runs.error = denied;
        lose(r, runs, new SQLException("Connection reset", "08006"));
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.state() == State.FAILED);
        assertThat(runs.gaveUp).containsExactly(denied);
    }

    @Test
    void aStop_whileWaitingToRetry_endsTheRecovery() {
        StreamRecovery r = recovery(Duration.ofMinutes(1));
        runs.failures = 1_000;
        lose(r, runs, new SQLException("Connection reset", "08006"));
        runs.state.set(State.STOPPED);
        r.quiesce(false, Duration.ofSeconds(5));
        int resumes = runs.resumes.get();
        assertThat(r.current()).isEmpty();
        await().during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(3)).until(() -> runs.resumes.get() == resumes);
    }

    @Test
    void aClosedRecovery_acceptsNoFailure() {
        StreamRecovery r = recovery(Duration.ofMinutes(1));
        r.quiesce(true, Duration.ofSeconds(1));
        assertThat(r.accepts(new SQLException("Connection reset", "08006"))).isFalse();
    }

    @Test
    void delays_doubleFromHalfASecondUpToFive_withAQuarterOfJitter() {
        for (int i = 0; i < 50; i++) {
            assertThat(StreamRecovery.delay(1).toMillis()).isBetween(375L, 625L);
            assertThat(StreamRecovery.delay(2).toMillis()).isBetween(750L, 1250L);
            assertThat(StreamRecovery.delay(3).toMillis()).isBetween(1500L, 2500L);
            assertThat(StreamRecovery.delay(30).toMillis()).isBetween(3750L, 6250L);
        }
    }
}
