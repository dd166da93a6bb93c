package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ReplicationLink;
import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.FakeReplicationStream;
import io.cutover.testing.ManualClock;
import io.cutover.testing.RecordingDataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CutoverTest {
    private final RecordingDataSource blue = RecordingDataSource.named("blue");
    private final RecordingDataSource green = RecordingDataSource.named("green");
    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE).handoffReports("users_id_seq: 41 -> 1041");
    private final ManualClock clock = new ManualClock();

    CutoverTest() {
        link.stream().start();
    }

    private Cutover.Builder cutover() {
        return Cutover.builder().name("orders").switcher(switcher).link(link).clock(clock);
    }

    @Test
    void execute_preparesTheKeyHandoffBeforeThePause_andReportsIt() {
        link.prepareReports("users_id_seq: 41 -> 1041 before the pause");

        CutoverResult result = cutover().build().execute();

        assertThat(result.checks()).contains("users_id_seq: 41 -> 1041 before the pause");
        List<String> journal = link.journal();
        assertThat(journal).containsSubsequence("stream blue->green fence 1 applied", "keys prepared blue -> green",
                "blue guard engaged", "keys handed off blue -> green");
        assertThat(journal).filteredOn(line -> line.startsWith("keys prepared")).hasSize(1);
    }

    @Test
    void execute_preparesTheReverseBeforeThePause_andAnAbortOrRehearsalDiscardsIt() {
        cutover().build().rehearse();
        assertThat(link.earlyReverses()).containsExactly(1, 0);

        link.failToPrepareReverse();
        assertThatThrownBy(() -> cutover().build().execute()).isInstanceOf(CutoverAbortedException.class);
        assertThat(link.earlyReverses()).as("prepared, discarded").containsExactly(2, 1);
    }

    @Test
    void execute_runsEveryStepInOrderAndFlips() {
        List<String> seen = new ArrayList<>();
        CutoverResult result = cutover().listener(new CutoverListener() {
            @Override
            public void phaseStarted(String cutover, Phase phase) {
                seen.add(phase.name());
            }
        }).build().execute();

        assertThat(switcher.current()).isEqualTo(Side.GREEN);
        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        assertThat(result.from()).isEqualTo(Side.BLUE);
        assertThat(result.to()).isEqualTo(Side.GREEN);
        assertThat(result.phases()).extracting(PhaseTiming::phase).containsExactly(Phase.PREFLIGHT, Phase.PAUSE,
                Phase.GUARD, Phase.CATCH_UP, Phase.HANDOFF, Phase.REVERSE, Phase.FLIP, Phase.RESUME);
        assertThat(seen).containsExactly("PREFLIGHT", "PAUSE", "GUARD", "CATCH_UP", "HANDOFF", "REVERSE", "FLIP", "RESUME");
        assertThat(result.fence()).isNotNull();
        assertThat(result.checks()).anyMatch(c -> c.startsWith("fence 1 applied before the pause"))
                .anyMatch(c -> c.startsWith("fence 2 at")).contains("users_id_seq: 41 -> 1041");
        assertThat(link.journal()).containsExactly(
                "stream blue->green started",
                "stream blue->green fence 1 applied",
                "blue guard engaged",
                "stream blue->green fence 2 applied",
                "keys handed off blue -> green",
                "reverse green -> blue prepared",
                "stream blue->green closed",
                "link blue -> green closed",
                "stream green->blue started");
        assertThat(link.guard(Side.BLUE).engaged()).isTrue();
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(result.summary()).contains("WRITE PAUSE").contains("FLIPPED");
    }

    @Test
    void execute_recordsWhatTheLinkAcceptedInPreflight() {
        link.checksReport("users: reverse accepted as lossy (phone)");
        assertThat(cutover().build().execute().checks()).contains("users: reverse accepted as lossy (phone)");
    }

    @Test
    void execute_reportsThePauseFromDrainToResume() {
        link.stream().useClock(clock).fenceTakes(Duration.ofMillis(120));
        CutoverResult result = cutover().build().execute();
        assertThat(result.writePause()).isEqualTo(Duration.ofMillis(120));
        assertThat(result.duration(Phase.CATCH_UP)).contains(Duration.ofMillis(120));
        assertThat(result.duration(Phase.ABORT)).isEmpty();
    }

    @Test
    void execute_twice_isRefusedClearly() {
        Cutover c = cutover().build();
        c.execute();
        assertThatThrownBy(c::execute)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cutover 'orders': cannot execute: expected state READY but was FLIPPED")
                .hasMessageContaining("reverseLink()");
        assertThat(switcher.current()).isEqualTo(Side.GREEN);
    }

    @Test
    void rollback_isACutoverOverTheReverseLink() {
        Cutover forward = cutover().build();
        forward.execute();
        ReplicationLink back = forward.reverseLink().orElseThrow();
        assertThat(back.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);

        CutoverResult result = Cutover.builder().name("orders-rollback").switcher(switcher).link(back).clock(clock)
                .build().execute();

        assertThat(result.from()).isEqualTo(Side.GREEN);
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(link.guard(Side.GREEN).engaged()).isTrue();
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        assertThat(link.journal()).contains("blue guard released", "green guard engaged", "reverse blue -> green prepared");
    }

    @Test
    void drainPastBudget_abortsAndWritesStayOnBlue() throws Exception {
        Connection held = switcher.getConnection();
        Cutover c = cutover().drainBudget(Duration.ofMillis(30)).build();
        assertThatThrownBy(c::execute)
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> {
                    assertThat(e.phase()).isEqualTo(Phase.PAUSE);
                    assertThat(e.getCause()).isInstanceOf(DrainTimeoutException.class);
                    assertThat(e.getMessage()).contains("1 write still in flight after 30 ms")
                            .contains("writes resumed on blue");
                    assertThat(e.result().outcome()).isEqualTo(CutoverResult.Outcome.ABORTED);
                });
        held.close();
        assertThat(c.state()).isEqualTo(Cutover.State.ABORTED);
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(link.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        try (Connection again = switcher.getConnection()) {
            again.createStatement().executeUpdate("insert into t values (2)");
        }
        assertThat(blue.statements()).isNotEmpty();
        assertThatThrownBy(c::execute).isInstanceOf(IllegalStateException.class).hasMessageContaining("aborted earlier");
    }

    @Test
    void fenceNeverArriving_abortsLiftsGuardAndKeepsStreaming() {
        link.stream().fenceNeverArrives().useClock(clock);
        assertThatThrownBy(() -> cutover().catchUpBudget(Duration.ofSeconds(2)).fenceBeforePause(false).build().execute())
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> {
                    assertThat(e.phase()).isEqualTo(Phase.CATCH_UP);
                    assertThat(e.getCause()).isInstanceOf(CatchUpTimeoutException.class);
                    assertThat(e.result().writePause()).isEqualTo(Duration.ofSeconds(2));
                });
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        assertThat(link.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);
        assertThat(link.reverses()).isEmpty();
    }

    @Test
    void anAbortAfterTheGuardEngaged_releasesIt_ratherThanDiscardingIt() {
        link.stream().fenceNeverArrives().useClock(clock);
        assertThatThrownBy(() -> cutover().catchUpBudget(Duration.ofSeconds(2)).fenceBeforePause(false).build().execute())
                .isInstanceOf(CutoverAbortedException.class);
        assertThat(link.journal()).containsSubsequence("blue guard engaged", "blue guard released");
        assertThat(link.guard(Side.BLUE).discards()).isZero();
        assertThat(link.guard(Side.BLUE).preparationLeft()).isFalse();
    }

    @Test
    void anAbortBeforeTheGuardEngaged_discardsWhatWasPrepared() throws Exception {
        Connection held = switcher.getConnection();
        assertThatThrownBy(() -> cutover().drainBudget(Duration.ofMillis(30)).build().execute())
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> assertThat(e.phase()).isEqualTo(Phase.PAUSE));
        held.close();
        assertThat(link.guard(Side.BLUE).discards()).isEqualTo(1);
        assertThat(link.guard(Side.BLUE).preparationLeft()).isFalse();
        assertThat(link.guard(Side.BLUE).engagements()).isZero();
    }

    @Test
    void aGuardThatFailsToEngage_hasItsPreparationDiscarded() {
        link.guard(Side.BLUE).failToEngage();
        assertThatThrownBy(() -> cutover().build().execute()).isInstanceOf(CutoverAbortedException.class);
        assertThat(link.guard(Side.BLUE).discards()).isEqualTo(1);
        assertThat(link.guard(Side.BLUE).preparationLeft()).isFalse();
    }

    @Test
    void aRecoveringStream_failsPreflight_namingTheStateAndTheLastError_withWritesUntouched() {
        link.stream().recovering("green", new java.sql.SQLException("Connection reset", "08006"));
        Cutover c = cutover().build();
        assertThatThrownBy(c::execute)
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.getMessage())
                        .contains("is RECOVERING").contains("lost green (Connection reset)")
                        .contains("it retries by itself"));
        assertThat(c.state()).isEqualTo(Cutover.State.READY);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(link.journal()).noneMatch(j -> j.contains("guard"));

        link.stream().recovered();
        assertThat(c.execute().outcome()).isEqualTo(io.cutover.CutoverResult.Outcome.FLIPPED);
    }

    @Test
    void aStreamWhoseConnectorLostItsSource_failsPreflightAtOnce_withWritesUntouched() {
        link.stream().sourceLost(true);
        Cutover c = cutover().build();
        assertThatThrownBy(c::execute)
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.getMessage())
                        .contains("lost its source and is reconnecting").contains("try again once status() shows it STREAMING"));
        assertThat(c.state()).isEqualTo(Cutover.State.READY);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(link.stream().fences()).as("no fence waited for").isEmpty();

        link.stream().sourceLost(false);
        assertThat(c.execute().outcome()).isEqualTo(io.cutover.CutoverResult.Outcome.FLIPPED);
    }

    @Test
    void aStreamThatCannotFenceBeforeThePause_failsPreflightWithWritesUntouched() {
        link.stream().fenceNeverArrives().useClock(clock);
        Cutover c = cutover().catchUpBudget(Duration.ofSeconds(2)).build();
        assertThatThrownBy(c::execute)
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.getMessage())
                        .contains("did not apply a fence within catchUpBudget 2000 ms while writes still flow")
                        .contains("raise catchUpBudget"));
        assertThat(c.state()).isEqualTo(Cutover.State.READY);
        assertThat(link.journal()).noneMatch(j -> j.contains("guard")).noneMatch(j -> j.contains("reverse"));
        assertThat(switcher.pauser().isPaused()).isFalse();
    }

    @Test
    void catchUpIsBoundByWhatIsLeftOfTheTotalBudget() {
        link.stream().useClock(clock).fenceTakes(Duration.ofSeconds(4));
        assertThatThrownBy(() -> cutover().catchUpBudget(Duration.ofSeconds(5)).totalBudget(Duration.ofSeconds(3))
                .build().execute())
                .isInstanceOfSatisfying(CutoverAbortedException.class,
                        e -> assertThat(e.getCause()).hasMessageContaining("not applied within 3000 ms"));
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
    }

    @Test
    void overTheTotalBudgetAfterAStep_abortsAndUndoesTheReverse() {
        link.stream().useClock(clock).fenceTakes(Duration.ofMillis(900));
        Cutover c = cutover().totalBudget(Duration.ofSeconds(1)).listener(new CutoverListener() {
            @Override
            public void phaseFinished(String cutover, Phase phase, Duration took) {
                if (phase == Phase.REVERSE) {
                    clock.advance(Duration.ofMillis(200)); // preparing the reverse took the rest of the budget
                }
            }
        }).build();
        assertThatThrownBy(c::execute)
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> {
                    assertThat(e.phase()).isEqualTo(Phase.REVERSE);
                    assertThat(e.getMessage()).contains("past the total budget of 1000 ms");
                });
        assertThat(link.reverses()).hasSize(1);
        assertThat(link.reverses().get(0).isClosed()).isTrue();
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
    }

    @Test
    void aStepBlockedPastTheBudget_isGivenUpAndUndoneWhenItFinishes() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        link.holdPrepareReverseUntil(gate);
        Cutover c = Cutover.builder().name("orders").switcher(switcher).link(link)
                .drainBudget(Duration.ofMillis(100)).totalBudget(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        assertThatThrownBy(c::execute)
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> {
                    assertThat(e.phase()).isEqualTo(Phase.REVERSE);
                    assertThat(e.getMessage()).contains("did not finish within what was left of the total budget of 300 ms");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(switcher.pauser().isPaused()).isFalse();
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        gate.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> link.reverses().size() == 1 && link.reverses().get(0).isClosed());
    }

    @Test
    void reverseThatCannotBeSetUp_aborts() {
        link.failToPrepareReverse();
        assertThatThrownBy(() -> cutover().build().execute())
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> assertThat(e.phase()).isEqualTo(Phase.REVERSE));
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        assertThat(switcher.pauser().isPaused()).isFalse();
    }

    @Test
    void guardThatCannotEngage_aborts() {
        link.guard(Side.BLUE).failToEngage();
        assertThatThrownBy(() -> cutover().build().execute())
                .isInstanceOfSatisfying(CutoverAbortedException.class, e -> assertThat(e.phase()).isEqualTo(Phase.GUARD));
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(switcher.pauser().isPaused()).isFalse();
    }

    @Test
    void guardSourceOff_leavesTheGuardAlone() {
        cutover().guardSource(false).build().execute();
        assertThat(link.guard(Side.BLUE).engagements()).isZero();
        assertThat(switcher.current()).isEqualTo(Side.GREEN);
    }

    @Test
    void preflight_listsEveryProblemAndTouchesNothing() {
        FakeReplicationLink notStarted = FakeReplicationLink.from(Side.BLUE)
                .preflightFails("green PostgreSQL has wal_level=replica; set wal_level=logical (then restart)");
        notStarted.stream().lagging(new Lag(50_000, Duration.ofSeconds(12)));
        Cutover c = Cutover.builder().switcher(switcher).link(notStarted).build();
        assertThatThrownBy(c::execute)
                .isInstanceOfSatisfying(PreflightException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage()).contains("3 preflight problems")
                            .contains("is NEW; a cutover needs it STREAMING")
                            .contains("lags 50000 events / 12000 ms, above maxLagToStart")
                            .contains("wal_level=logical");
                });
        assertThat(c.state()).isEqualTo(Cutover.State.READY);
        assertThat(notStarted.journal()).isEmpty();
        assertThat(switcher.pauser().isPaused()).isFalse();
    }

    @Test
    void rehearse_runsEverythingButTheFlipAndCanBeRepeated() {
        Cutover c = cutover().build();
        CutoverResult first = c.rehearse();
        CutoverResult second = c.rehearse();
        assertThat(first.outcome()).isEqualTo(CutoverResult.Outcome.REHEARSED);
        assertThat(second.phases()).extracting(PhaseTiming::phase).doesNotContain(Phase.FLIP).contains(Phase.REVERSE);
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        assertThat(link.reverses()).hasSize(2).allMatch(FakeReplicationLink::isClosed);
        assertThat(link.isClosed()).isFalse();
        assertThat(c.reverseLink()).isEmpty();
        assertThat(c.execute().outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
    }

    @Test
    void startReverseOff_leavesTheReverseStreamStopped() {
        Cutover c = cutover().startReverse(false).build();
        c.execute();
        assertThat(c.reverseLink().orElseThrow().stream().state()).isEqualTo(ReplicationStream.State.NEW);
    }

    @Test
    void aFailingReverseStart_isReportedButTheFlipStands() {
        // the reverse link does not exist before the cutover runs: script its failure once it is prepared
        Cutover c = cutover().listener(new CutoverListener() {
            @Override
            public void phaseFinished(String cutover, Phase phase, Duration took) {
                if (phase == Phase.REVERSE) {
                    ((FakeReplicationStream) link.reverses().get(0).stream())
                            .failToStart(new IllegalStateException("green slot vanished"));
                }
            }
        }).build();
        CutoverResult result = c.execute();
        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        assertThat(result.checks()).contains("reverse stream failed to start: green slot vanished");
    }

    @Test
    void aThrowingListener_cannotBreakACutover() {
        CutoverResult result = cutover().listener(new CutoverListener() {
            @Override
            public void phaseStarted(String cutover, Phase phase) {
                throw new IllegalStateException("listener bug");
            }
        }).build().execute();
        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
    }

    @Test
    void build_rejectsBadSettingsNamingTheField() {
        assertThatThrownBy(() -> Cutover.builder().drainBudget(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainBudget");
        assertThatThrownBy(() -> Cutover.builder().catchUpBudget(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("catchUpBudget");
        assertThatThrownBy(() -> Cutover.builder().totalBudget(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("totalBudget");
        assertThatThrownBy(() -> Cutover.builder().executor(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("executor");
        assertThatThrownBy(() -> Cutover.builder().name(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> Cutover.builder().link(link).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("switcher not set");
        assertThatThrownBy(() -> Cutover.builder().switcher(switcher).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("link not set");
        assertThatThrownBy(() -> cutover().drainBudget(Duration.ofSeconds(20)).totalBudget(Duration.ofSeconds(10)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shorter than drainBudget");
        assertThatThrownBy(() -> Cutover.builder().switcher(switcher).link(FakeReplicationLink.from(Side.GREEN)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("switcher is on blue");
    }
}
