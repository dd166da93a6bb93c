package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.CatchUpTimeoutException;
import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.PreflightException;
import io.cutover.ReplicationStream.State;
import io.cutover.spi.CaptureDialect;
import io.cutover.spi.CaptureSession;
import io.cutover.spi.CaptureSpec;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The stream's state machine, driven by fake events and a fake session: no engine, no database. */
class StreamLifecycleTest {

    private static final Map<String, String> SETTINGS = Map.of("connector.class", "fake");

    /** A session that records its calls and fails when told to. */
    private static final class FakeSession implements CaptureSession {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile RuntimeException failStart;
        volatile RuntimeException failStall;
        volatile RuntimeException failClose;

        @Override
        public Map<String, String> beforeStart() {
            calls.add("beforeStart");
            if (failStart != null) {
                throw failStart;
            }
            return SETTINGS;
        }

        @Override
        public void endStalledCapture() {
            calls.add("endStalledCapture");
            if (failStall != null) {
                throw failStall;
            }
        }

        @Override
        public void afterClose() {
            calls.add("afterClose");
            if (failClose != null) {
                throw failClose;
            }
        }
    }

    /** An error the fake recoverer takes: a lost connection. */
    private static final java.sql.SQLException RESET = new java.sql.SQLException("Connection reset", "08006");

    /** A recoverer that takes SQLState class 08 and records what it was told. */
    private static class FakeRecoverer implements Recoverer {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final boolean retriesStart;

        FakeRecoverer() {
            this(false);
        }

        FakeRecoverer(boolean retriesStart) {
            this.retriesStart = retriesStart;
        }

        @Override
        public boolean retriesStart() {
            return retriesStart;
        }

        @Override
        public boolean accepts(Throwable error) {
            return error instanceof java.sql.SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08");
        }

        @Override
        public void lost(Throwable error) {
            calls.add("lost " + error.getMessage());
        }

        @Override
        public void begin() {
            calls.add("begin");
        }

        @Override
        public void failedAgain(Throwable error) {
            calls.add("failedAgain " + error.getMessage());
        }
    }

    private final FakeSession session = new FakeSession();
    private final AtomicInteger wakes = new AtomicInteger();
    private final FakeRecoverer recoverer = new FakeRecoverer();
    private final List<String> moves = new CopyOnWriteArrayList<>();
    private final StreamLifecycle lifecycle = new StreamLifecycle("orders", session, wakes::incrementAndGet, recoverer,
            (from, to) -> moves.add(from + "->" + to));

    private static StreamLifecycle recovering(CaptureSession session) {
        return new StreamLifecycle("orders", session, () -> { }, new FakeRecoverer(true), (from, to) -> { });
    }

    /** Drives {@code lc} from NEW to {@code state} through the events that lead there. */
    private static void driveTo(StreamLifecycle lc, State state) {
        switch (state) {
            case NEW -> { }
            case STARTING -> lc.start();
            case COPYING -> {
                lc.start();
                lc.copyStarted();
            }
            case STREAMING -> {
                lc.start();
                lc.started();
            }
            case RECOVERING -> {
                lc.start();
                lc.started();
                lc.engineFailed("connection lost", RESET);
            }
            case STOPPED -> {
                lc.start();
                lc.stop(() -> { });
            }
            case FAILED -> {
                lc.start();
                lc.engineFailed("connection lost", null);
            }
            case CLOSED -> lc.close(() -> { });
            default -> throw new AssertionError(state);
        }
        assertThat(lc.state()).isEqualTo(state);
    }

    /** Every event and command that can lead to {@code to}, each a try from the state the stream is in. */
    private static List<Consumer<StreamLifecycle>> movesTo(State to) {
        List<Consumer<StreamLifecycle>> moves = new ArrayList<>();
        switch (to) {
            case NEW -> { }
            case STARTING -> moves.add(StreamLifecycle::start);
            case COPYING -> {
                moves.add(StreamLifecycle::copyStarted);
                moves.add(StreamLifecycle::snapshotStarted);
            }
            case STREAMING -> {
                moves.add(StreamLifecycle::started);
                moves.add(StreamLifecycle::copyDone);
                moves.add(StreamLifecycle::recovered);
            }
            case RECOVERING -> moves.add(lc -> lc.engineFailed("connection lost", RESET));
            case STOPPED -> moves.add(lc -> lc.stop(() -> { }));
            case FAILED -> {
                moves.add(lc -> lc.engineFailed("boom", null));
                moves.add(lc -> lc.buildFailed(new IllegalArgumentException("bad setting")));
                moves.add(lc -> lc.copyFailed(new CutoverException(Phase.PREFLIGHT, "copy failed")));
                moves.add(lc -> lc.startFailed(new PreflightException(List.of("timed out"))));
                moves.add(lc -> lc.recoveryFailed(new CutoverException(Phase.CATCH_UP, "gave up")));
            }
            case CLOSED -> moves.add(lc -> lc.close(() -> { }));
            default -> throw new AssertionError(to);
        }
        return moves;
    }

    static Stream<Arguments> everyMove() {
        List<Arguments> all = new ArrayList<>();
        for (State from : State.values()) {
            for (State to : State.values()) {
                if (from != to) {
                    all.add(Arguments.of(from, to));
                }
            }
        }
        return all.stream();
    }

    @Test
    void legalMoves_areExactlyTheDocumentedTable() {
        assertThat(StreamLifecycle.LEGAL).isEqualTo(Map.of(
                State.NEW, EnumSet.of(State.STARTING, State.CLOSED),
                State.STARTING, EnumSet.of(State.COPYING, State.STREAMING, State.RECOVERING, State.STOPPED, State.FAILED,
                        State.CLOSED),
                State.COPYING, EnumSet.of(State.STREAMING, State.RECOVERING, State.STOPPED, State.FAILED, State.CLOSED),
                State.STREAMING, EnumSet.of(State.COPYING, State.RECOVERING, State.STOPPED, State.FAILED, State.CLOSED),
                State.RECOVERING, EnumSet.of(State.STREAMING, State.COPYING, State.STOPPED, State.FAILED, State.CLOSED),
                State.STOPPED, EnumSet.of(State.STARTING, State.CLOSED),
                State.FAILED, EnumSet.of(State.STARTING, State.STOPPED, State.CLOSED),
                State.CLOSED, EnumSet.noneOf(State.class)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyMove")
    void everyEventLeadingToAState_movesThereOnlyFromALegalState(State from, State to) {
        boolean legal = StreamLifecycle.LEGAL.get(from).contains(to);
        boolean reached = false;
        for (Consumer<StreamLifecycle> move : movesTo(to)) {
            StreamLifecycle lc = recovering(new FakeSession());
            driveTo(lc, from);
            try {
                move.accept(lc);
            } catch (IllegalStateException refused) {
                assertThat(refused).hasMessageContaining(from.toString());
            }
            if (to == State.RECOVERING && lc.state() == State.FAILED) {
                // A lost connection while starting fails the stream: the caller of start() hears of it.
                assertThat(from).isIn(State.STARTING, State.FAILED);
                continue;
            }
            assertThat(lc.state()).as("after an event towards %s", to).isIn(from, to);
            reached |= lc.state() == to;
        }
        assertThat(reached).as("%s -> %s reached", from, to).isEqualTo(legal);
    }

    @Test
    void start_fromNew_movesToStarting_andReturnsTheSessionsSettings() {
        assertThat(lifecycle.start()).isEqualTo(SETTINGS);
        assertThat(lifecycle.state()).isEqualTo(State.STARTING);
        assertThat(session.calls).containsExactly("beforeStart");
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"STARTING", "COPYING", "STREAMING", "RECOVERING", "CLOSED"})
    void start_whenNotStartable_saysExpectedAndActualState_andCallsNoSession(State state) {
        driveTo(lifecycle, state);
        session.calls.clear();
        assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("stream 'orders' cannot start: expected NEW, STOPPED or FAILED, was " + state);
        assertThat(lifecycle.state()).isEqualTo(state);
        assertThat(session.calls).isEmpty();
    }

    @Test
    void transientFailure_whileStreaming_movesToRecovering_notingTheErrorBeforeTheMove() {
        driveTo(lifecycle, State.STREAMING);
        moves.clear();
        lifecycle.engineFailed("connection lost", RESET);
        assertThat(lifecycle.state()).isEqualTo(State.RECOVERING);
        assertThat(lifecycle.failure()).isEmpty();
        assertThat(recoverer.calls).containsExactly("lost Connection reset", "begin");
        assertThat(moves).containsExactly("STREAMING->RECOVERING");
    }

    @Test
    void transientFailure_whileStarting_failsTheStream_soTheCallerOfStartHearsOfIt() {
        lifecycle.start();
        lifecycle.engineFailed("connection lost", RESET);
        assertThat(lifecycle.state()).isEqualTo(State.FAILED);
        assertThat(lifecycle.failure()).containsSame(RESET);
        assertThat(recoverer.calls).isEmpty();
    }

    @Test
    void transientFailure_whileStarting_recovers_whenTheRecovererRetriesStarts() {
        FakeRecoverer retrying = new FakeRecoverer(true);
        List<String> seen = new CopyOnWriteArrayList<>();
        StreamLifecycle lc = new StreamLifecycle("orders", session, () -> { }, retrying, (from, to) -> seen.add(from + "->" + to));
        lc.start();
        lc.engineFailed("connection lost", RESET);
        assertThat(lc.state()).isEqualTo(State.RECOVERING);
        assertThat(lc.failure()).isEmpty();
        assertThat(retrying.calls).containsExactly("lost Connection reset", "begin");
        assertThat(seen).containsExactly("NEW->STARTING", "STARTING->RECOVERING");
    }

    @Test
    void startFailed_withATransientError_saysTheStreamRecovers_whenTheRecovererRetriesStarts() {
        StreamLifecycle lc = new StreamLifecycle("orders", session, () -> { }, new FakeRecoverer(true), (from, to) -> { });
        lc.start();
        assertThat(lc.startFailed(RESET)).isTrue();
        assertThat(lc.state()).isEqualTo(State.RECOVERING);
        StreamLifecycle fatal = new StreamLifecycle("orders", session, () -> { }, new FakeRecoverer(true), (from, to) -> { });
        fatal.start();
        assertThat(fatal.startFailed(new PreflightException(List.of("bad password")))).isFalse();
        assertThat(fatal.state()).isEqualTo(State.FAILED);
    }

    @Test
    void start_whoseSessionFailsTransiently_returnsNoSettings_andRecovers_whenTheRecovererRetriesStarts() {
        CaptureSession unreachable = () -> {
            throw new IllegalStateException("cannot reach blue", RESET);
        };
        FakeRecoverer retrying = new FakeRecoverer(true) {
            @Override
            public boolean accepts(Throwable error) {
                return super.accepts(error) || super.accepts(error.getCause());
            }
        };
        StreamLifecycle lc = new StreamLifecycle("orders", unreachable, () -> { }, retrying, (from, to) -> { });
        assertThat(lc.start()).isNull();
        assertThat(lc.state()).isEqualTo(State.RECOVERING);
        assertThat(lc.failure()).isEmpty();
    }

    @Test
    void sourceSilent_movesOnlyAStreamingStream_toRecovering() {
        java.sql.SQLException silent = new java.sql.SQLException("no heartbeat for 31 s", "08000");
        lifecycle.start();
        assertThat(lifecycle.sourceSilent(silent)).isFalse();
        assertThat(lifecycle.state()).isEqualTo(State.STARTING);
        lifecycle.started();
        assertThat(lifecycle.sourceSilent(silent)).isTrue();
        assertThat(lifecycle.state()).isEqualTo(State.RECOVERING);
        assertThat(lifecycle.sourceSilent(silent)).isFalse();
    }

    @Test
    void transientFailure_whileRecovering_staysRecovering_andTellsTheRecoverer() {
        driveTo(lifecycle, State.RECOVERING);
        java.sql.SQLException refused = new java.sql.SQLException("Connection refused", "08001");
        lifecycle.engineFailed("connection refused", refused);
        assertThat(lifecycle.state()).isEqualTo(State.RECOVERING);
        assertThat(recoverer.calls).endsWith("failedAgain Connection refused");
    }

    @Test
    void fatalFailure_whileRecovering_failsWithThatError() {
        driveTo(lifecycle, State.RECOVERING);
        java.sql.SQLException denied = new java.sql.SQLException("permission denied for table orders", "42501");
        lifecycle.engineFailed("denied", denied);
        assertThat(lifecycle.state()).isEqualTo(State.FAILED);
        assertThat(lifecycle.failure()).containsSame(denied);
    }

    @Test
    void recovered_movesBackToStreaming_andResumeCallsTheSessionAgainWithoutMoving() {
        driveTo(lifecycle, State.RECOVERING);
        session.calls.clear();
        assertThat(lifecycle.resume()).isEqualTo(SETTINGS);
        assertThat(lifecycle.state()).isEqualTo(State.RECOVERING);
        assertThat(session.calls).containsExactly("beforeStart");
        assertThat(lifecycle.recovered()).isTrue();
        assertThat(lifecycle.state()).isEqualTo(State.STREAMING);
    }

    @Test
    void resume_whenNotRecovering_isRefused() {
        driveTo(lifecycle, State.STOPPED);
        assertThatThrownBy(lifecycle::resume).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected RECOVERING, was STOPPED");
    }

    @Test
    void start_afterAFailure_forgetsIt() {
        driveTo(lifecycle, State.FAILED);
        assertThat(lifecycle.failure()).isPresent();
        lifecycle.start();
        assertThat(lifecycle.failure()).isEmpty();
        assertThat(lifecycle.state()).isEqualTo(State.STARTING);
    }

    @Test
    void start_whenTheSessionThrows_failsTheStream_andRethrows() {
        PreflightException refused = new PreflightException(List.of("wal_level=replica"));
        session.failStart = refused;
        assertThatThrownBy(lifecycle::start).isSameAs(refused);
        assertThat(lifecycle.state()).isEqualTo(State.FAILED);
        assertThat(lifecycle.failure()).containsSame(refused);
        assertThat(wakes).hasValue(1);
    }

    @Test
    void start_whenTheSessionReturnsNoSettings_failsTheStream_namingTheSession() {
        CaptureSession none = () -> null;
        StreamLifecycle lc = new StreamLifecycle("orders", none, () -> { });
        assertThatThrownBy(lc::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("no connector settings");
        assertThat(lc.state()).isEqualTo(State.FAILED);
    }

    @Test
    void copy_movesStartingToCopying_thenToStreaming() {
        lifecycle.start();
        assertThat(lifecycle.copyStarted()).isTrue();
        assertThat(lifecycle.state()).isEqualTo(State.COPYING);
        lifecycle.started(); // the engine polls while the copy runs: still copying
        assertThat(lifecycle.state()).isEqualTo(State.COPYING);
        lifecycle.copyDone();
        assertThat(lifecycle.state()).isEqualTo(State.STREAMING);
        lifecycle.copyDone(); // said once
        assertThat(lifecycle.state()).isEqualTo(State.STREAMING);
    }

    @Test
    void copyStarted_afterStop_refusesSoTheCopyDoesNotRun() {
        lifecycle.start();
        lifecycle.stop(() -> { });
        assertThat(lifecycle.copyStarted()).isFalse();
        assertThat(lifecycle.state()).isEqualTo(State.STOPPED);
    }

    @Test
    void connectorSnapshot_movesStreamingToCopyingAndBack() {
        driveTo(lifecycle, State.STREAMING);
        lifecycle.snapshotStarted();
        assertThat(lifecycle.state()).isEqualTo(State.COPYING);
        lifecycle.copyDone();
        assertThat(lifecycle.state()).isEqualTo(State.STREAMING);
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"STARTING", "COPYING", "STREAMING"})
    void engineFailure_failsARunningStream_recordsIt_andWakesFenceWaiters(State state) {
        driveTo(lifecycle, state);
        IllegalStateException error = new IllegalStateException("connection reset");
        lifecycle.engineFailed("task failed", error);
        assertThat(lifecycle.state()).isEqualTo(State.FAILED);
        assertThat(lifecycle.failure()).containsSame(error);
        assertThat(wakes).hasValue(1);
    }

    @Test
    void engineFailure_withoutAnError_recordsTheEnginesMessage() {
        driveTo(lifecycle, State.STREAMING);
        lifecycle.engineFailed("connector stopped unexpectedly", null);
        assertThat(lifecycle.failure()).get().isInstanceOf(CutoverException.class)
                .extracting(Throwable::getMessage).asString().contains("connector stopped unexpectedly");
    }

    @Test
    void firstFailure_wins() {
        driveTo(lifecycle, State.COPYING);
        CutoverException copy = new CutoverException(Phase.PREFLIGHT, "stream 'orders': the initial copy failed");
        lifecycle.copyFailed(copy);
        lifecycle.engineFailed("engine closed after the failed copy", new IllegalStateException("closed"));
        lifecycle.buildFailed(new IllegalArgumentException("bad setting"));
        lifecycle.startFailed(new PreflightException(List.of("could not start")));
        assertThat(lifecycle.state()).isEqualTo(State.FAILED);
        assertThat(lifecycle.failure()).containsSame(copy);
    }

    @Test
    void engineFailure_afterStop_isIgnored() {
        driveTo(lifecycle, State.STREAMING);
        lifecycle.stop(() -> { });
        lifecycle.engineFailed("interrupted", new InterruptedException());
        lifecycle.copyFailed(new CutoverException(Phase.PREFLIGHT, "copy interrupted"));
        assertThat(lifecycle.state()).isEqualTo(State.STOPPED);
        assertThat(lifecycle.failure()).isEmpty();
        assertThat(wakes).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"NEW", "CLOSED"})
    void failure_beforeStartOrAfterClose_isIgnored(State state) {
        driveTo(lifecycle, state);
        int woken = wakes.get();
        lifecycle.engineFailed("late", new IllegalStateException("late"));
        lifecycle.buildFailed(new IllegalArgumentException("late"));
        assertThat(lifecycle.state()).isEqualTo(state);
        assertThat(lifecycle.failure()).isEmpty();
        assertThat(wakes).hasValue(woken);
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"STARTING", "COPYING", "STREAMING", "FAILED"})
    void stop_fromARunOrAFailure_movesToStopped_andEndsTheRunOnce(State state) {
        driveTo(lifecycle, state);
        AtomicInteger stops = new AtomicInteger();
        assertThat(lifecycle.stop(stops::incrementAndGet)).isTrue();
        assertThat(lifecycle.stop(stops::incrementAndGet)).isFalse();
        assertThat(lifecycle.state()).isEqualTo(State.STOPPED);
        assertThat(stops).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"NEW", "STOPPED", "CLOSED"})
    void stop_whenNotRunning_doesNothing(State state) {
        driveTo(lifecycle, state);
        AtomicInteger stops = new AtomicInteger();
        assertThat(lifecycle.stop(stops::incrementAndGet)).isFalse();
        assertThat(lifecycle.state()).isEqualTo(state);
        assertThat(stops).hasValue(0);
    }

    @Test
    void stop_afterAFailure_keepsTheFailure() {
        driveTo(lifecycle, State.FAILED);
        Throwable failure = lifecycle.failure().orElseThrow();
        lifecycle.stop(() -> { });
        assertThat(lifecycle.failure()).containsSame(failure);
    }

    @Test
    void stop_doesNotCallTheSession() {
        driveTo(lifecycle, State.STREAMING);
        session.calls.clear();
        lifecycle.stop(() -> { });
        assertThat(session.calls).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(State.class)
    void close_isIdempotent_releasingAndCallingTheSessionOnce(State state) {
        driveTo(lifecycle, state);
        List<String> order = new CopyOnWriteArrayList<>();
        session.calls.clear();
        int woken = wakes.get();
        boolean closedNow = lifecycle.close(() -> order.add("release"));
        boolean closedAgain = lifecycle.close(() -> order.add("release"));
        assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
        assertThat(closedAgain).isFalse();
        if (state == State.CLOSED) {
            assertThat(closedNow).isFalse();
            assertThat(order).isEmpty();
            assertThat(session.calls).isEmpty();
            assertThat(wakes).hasValue(woken);
        } else {
            assertThat(closedNow).isTrue();
            assertThat(order).containsExactly("release");
            assertThat(session.calls).containsExactly("afterClose");
            assertThat(wakes).hasValue(woken + 1);
        }
    }

    @Test
    void close_releasesBeforeTheSessionCleansUp() {
        List<String> order = new CopyOnWriteArrayList<>();
        StreamLifecycle lc = new StreamLifecycle("orders", new CaptureSession() {
            @Override
            public Map<String, String> beforeStart() {
                return SETTINGS;
            }

            @Override
            public void afterClose() {
                order.add("afterClose");
            }
        }, () -> order.add("wake"));
        lc.close(() -> order.add("release"));
        assertThat(order).containsExactly("release", "afterClose", "wake");
    }

    @Test
    void close_whenTheSessionCleanupFails_staysClosed_andWakesWaiters() {
        driveTo(lifecycle, State.STREAMING);
        session.failClose = new IllegalStateException("slot in use");
        assertThat(lifecycle.close(() -> { })).isTrue();
        assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
        assertThat(wakes).hasValue(1);
    }

    @Test
    void closed_isTerminal() {
        lifecycle.close(() -> { });
        assertThatThrownBy(lifecycle::start).hasMessageContaining("was CLOSED");
        assertThat(lifecycle.copyStarted()).isFalse();
        lifecycle.started();
        lifecycle.copyDone();
        lifecycle.snapshotStarted();
        lifecycle.startFailed(new PreflightException(List.of("late")));
        assertThat(lifecycle.stop(() -> { })).isFalse();
        assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void engineStalled_asksTheSessionToEndTheCapture_andSurvivesItsFailure() {
        driveTo(lifecycle, State.STREAMING);
        session.calls.clear();
        lifecycle.engineStalled();
        session.failStall = new IllegalStateException("no walsender");
        lifecycle.engineStalled();
        assertThat(session.calls).containsExactly("endStalledCapture", "endStalledCapture");
        assertThat(lifecycle.state()).isEqualTo(State.STREAMING);
    }

    @Test
    void concurrentFailures_recordExactlyOne_andTheStreamFailsOnce() throws Exception {
        driveTo(lifecycle, State.STREAMING);
        int threads = 8;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        Set<Throwable> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < threads; i++) {
            IllegalStateException e = new IllegalStateException("failure " + i);
            reported.add(e);
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                lifecycle.engineFailed("failed", e);
            }));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(lifecycle.state()).isEqualTo(State.FAILED);
        assertThat(reported).contains(lifecycle.failure().orElseThrow());
    }

    // ---- with the stream's real fence waiters

    private static CaptureSpec spec() {
        DataSource none = (DataSource) Proxy.newProxyInstance(StreamLifecycleTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        CaptureDialect dialect = (CaptureDialect) Proxy.newProxyInstance(StreamLifecycleTest.class.getClassLoader(),
                new Class<?>[] {CaptureDialect.class}, (p, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        return CaptureSpec.builder().name("orders").dialect(dialect).session(() -> SETTINGS).source(none).target(none).build();
    }

    /** Wires a lifecycle and the stream's progress as the stream does: the lifecycle wakes the progress's fence waiters. */
    private static final class Wired {
        final ApplyProgress[] progress = new ApplyProgress[1];
        final StreamLifecycle lifecycle = new StreamLifecycle("orders", () -> SETTINGS, () -> progress[0].wakeFenceWaiters());

        Wired() {
            progress[0] = new ApplyProgress(spec(), lifecycle);
        }
    }

    @Test
    void fenceWaiters_areWokenOnFailure_insteadOfSleepingOutTheirTimeout() throws Exception {
        Wired w = new Wired();
        driveTo(w.lifecycle, State.STREAMING);
        java.util.concurrent.atomic.AtomicReference<Thread> waiter = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            long now = System.nanoTime();
            try {
                w.progress[0].awaitApplied(42, now, now + Duration.ofMinutes(5).toNanos());
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.TIMED_WAITING);
        w.lifecycle.engineFailed("connection lost", new IllegalStateException("connection lost"));
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(CatchUpTimeoutException.class).hasMessageContaining("fence 42").hasMessageContaining("state FAILED");
    }

    @Test
    void connectorSnapshot_reportedByTheProgress_movesTheStreamThroughTheLifecycle() {
        Wired w = new Wired();
        driveTo(w.lifecycle, State.STREAMING);
        w.progress[0].copying(true);
        assertThat(w.lifecycle.state()).isEqualTo(State.COPYING);
        w.progress[0].copying(false);
        assertThat(w.lifecycle.state()).isEqualTo(State.STREAMING);
    }
}
