package io.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.CutoverAbortedException;
import io.cutover.Side;
import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.RecordingDataSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** The operations and the endpoint over fakes: the paths a real database makes hard to reach. */
class CutoverOperationsTest {

    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(RecordingDataSource.named("blue"),
            RecordingDataSource.named("green"));
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
    private final CutoverProperties props = new CutoverProperties();
    private final java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final io.cutover.CutoverListener recorder = new io.cutover.CutoverListener() {
        @Override
        public void completed(io.cutover.CutoverResult result) {
            heard.add(result.from() + " -> " + result.to() + " " + result.outcome());
        }
    };
    private final CutoverOperations ops;
    private final CutoverEndpoint endpoint;

    CutoverOperationsTest() {
        props.setName("orders");
        props.getBudgets().setTotal(Duration.ofSeconds(5));
        ops = new CutoverOperations(switcher, () -> link, "postgres", () -> java.util.List.of(recorder), props);
        endpoint = new CutoverEndpoint(ops);
    }

    @AfterEach
    void stop() {
        ops.stop();
    }

    @Test
    void status_ofARecoveringStream_showsItsRecovery_withoutCredentials() {
        ops.start();
        link.stream().recovering("green", new java.sql.SQLException(
                "cannot reach jdbc:postgresql://green:5432/app?password=s3cret", "08001"));
        CutoverStatus s = ops.status();
        assertThat(s.state()).isEqualTo("RECOVERING");
        assertThat(s.recovery()).isNotNull();
        assertThat(s.recovery().lost()).isEqualTo("green");
        assertThat(s.recovery().attempts()).isZero();
        assertThat(s.recovery().lastError().message()).doesNotContain("s3cret");
        link.stream().recovered();
        assertThat(ops.status().recovery()).isNull();
    }

    @Test
    void start_startsTheForwardStream_andStopClosesIt() {
        ops.start();
        assertThat(ops.isRunning()).isTrue();
        assertThat(ops.status().state()).isEqualTo("STREAMING");
        assertThat(ops.status().direction()).isEqualTo("blue -> green");
        ops.stop();
        assertThat(ops.isRunning()).isFalse();
        assertThat(link.isClosed()).isTrue();
    }

    @Test
    void cutoverThenRollback_movesWritesThereAndBack_andTheStatusFollows() {
        ops.start();
        CutoverReport there = ops.cutover();
        assertThat(there.outcome()).isEqualTo("FLIPPED");
        assertThat(switcher.current()).isEqualTo(Side.GREEN);
        assertThat(ops.status().direction()).isEqualTo("green -> blue");
        assertThat(ops.status().lastCutover()).isEqualTo(there);

        assertThat(heard).containsExactly("blue -> green FLIPPED");
        CutoverReport back = ops.rollback();
        assertThat(heard).containsExactly("blue -> green FLIPPED", "green -> blue FLIPPED");
        assertThat(back.from()).isEqualTo("green");
        assertThat(back.to()).isEqualTo("blue");
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(ops.status().direction()).isEqualTo("blue -> green");
        assertThat(ops.link()).containsSame(link.reverses().get(0).reverses().get(0));
    }

    @Test
    void cutover_fromGreen_isRefused() {
        ops.start();
        ops.cutover();
        assertThatIllegalStateException().isThrownBy(ops::cutover)
                .withMessage("cutover 'orders': cannot cutover from blue, writes go to green");
        assertThat(endpoint.run("cutover").getStatus()).isEqualTo(409);
    }

    @Test
    void abortedCutover_leavesWritesOnBlue_keepsItsReport_andTheEndpointAnswers500WithIt() {
        ops.start();
        link.failToPrepareReverse();
        WebEndpointResponse<Object> r = endpoint.run("cutover");
        assertThat(r.getStatus()).isEqualTo(500);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) r.getBody();
        assertThat(((CutoverReport) body.get("report")).outcome()).isEqualTo("ABORTED");
        assertThat((String) body.get("error")).isNotBlank();
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        assertThat(ops.status().lastCutover().outcome()).isEqualTo("ABORTED");
        assertThat(ops.status().direction()).as("the forward stream still runs").isEqualTo("blue -> green");
    }

    @Test
    void failedPreflight_answers500_andTouchesNothing() {
        ops.start();
        link.preflightFails("green is read-only: make it writable");
        WebEndpointResponse<Object> r = endpoint.run("cutover");
        assertThat(r.getStatus()).isEqualTo(500);
        assertThat(((Map<?, ?>) r.getBody()).get("error").toString()).contains("green is read-only: make it writable");
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
    }

    @Test
    void secondCutover_whileOneRuns_isRefusedAtOnce() throws Exception {
        ops.start();
        CountDownLatch gate = new CountDownLatch(1);
        link.holdPrepareReverseUntil(gate);
        CompletableFuture<CutoverReport> first = CompletableFuture.supplyAsync(ops::cutover);
        // The first holds the lock while it waits at the gate, after the hand-off.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(4))
                .until(() -> link.journal().stream().anyMatch(l -> l.startsWith("keys handed off")));
        assertThat(endpoint.run("rollback").getStatus()).isEqualTo(409);
        assertThat(endpoint.run("cutover").getStatus()).isEqualTo(409);
        gate.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).outcome()).isEqualTo("FLIPPED");
    }

    @Test
    void finish_afterACutover_endsTheMigrationOnTheReverseLink_andRefusesMoreMoves() {
        ops.start();
        ops.cutover();
        FakeReplicationLink reverse = link.reverses().get(0);
        WebEndpointResponse<Object> r = endpoint.run("finish");
        assertThat(r.getStatus()).isEqualTo(200);
        io.cutover.FinishReport report = (io.cutover.FinishReport) r.getBody();
        assertThat(report.link()).isEqualTo(reverse.stream().name());
        assertThat(report.leftInPlace()).anySatisfy(l -> assertThat(l).startsWith("blue: guard"));
        assertThat(reverse.isClosed()).isTrue();
        assertThat(ops.status().finish()).isEqualTo(report);
        assertThat(ops.isRunning()).isFalse();
        assertThat(switcher.current()).isEqualTo(Side.GREEN);
        WebEndpointResponse<Object> again = endpoint.run("rollback");
        assertThat(again.getStatus()).isEqualTo(409);
        assertThat(((Map<?, ?>) again.getBody()).get("error").toString()).contains("the migration is finished");
    }

    @Test
    void finish_withMakeOldSideWritable_liftsTheOldSidesGuard() {
        ops.start();
        ops.cutover();
        io.cutover.FinishReport report = (io.cutover.FinishReport) endpoint.run("finish", "make-old-side-writable").getBody();
        assertThat(report.removedFromBlue()).contains("guard");
        assertThat(report.leftInPlace()).isEmpty();
    }

    @Test
    void finish_beforeTheStreamStarted_isRefused() {
        assertThat(endpoint.run("finish").getStatus()).isEqualTo(409);
    }

    @Test
    void verify_overALinkThatCannotVerify_answers501() {
        ops.start();
        WebEndpointResponse<Object> r = endpoint.run("verify");
        assertThat(r.getStatus()).isEqualTo(501);
        assertThat(((Map<?, ?>) r.getBody()).get("error").toString()).contains("cannot verify");
    }

    @Test
    void verify_beforeStart_isRefused() {
        assertThat(endpoint.run("verify").getStatus()).isEqualTo(409);
    }

    @Test
    void cutover_beforeStart_isRefused() {
        assertThatIllegalStateException().isThrownBy(ops::cutover).withMessageContaining("the stream is not running");
    }

    @Test
    void abortException_isRethrownToJavaCallers() {
        ops.start();
        link.failToPrepareReverse();
        assertThatThrownBy(ops::cutover).isInstanceOf(CutoverAbortedException.class);
    }
}
