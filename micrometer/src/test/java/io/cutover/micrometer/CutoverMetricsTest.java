package io.cutover.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cutover.ConnectionSwitcher;
import io.cutover.CopyStatus;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.Lag;
import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.FakeReplicationStream;
import io.cutover.testing.ManualClock;
import io.cutover.testing.RecordingDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CutoverMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock();

    // ---- a stream's gauges

    private final FakeReplicationStream stream = FakeReplicationStream.named("orders").useClock(clock);

    private double gauge(String name, String... tags) {
        return registry.get(name).tags("name", "orders").tags(tags).gauge().value();
    }

    @Test
    void bindTo_showsTheStreamsLagAppliedChangesAndRate() {
        CutoverMetrics.of(stream).bindTo(registry);
        stream.start();
        stream.lagging(new Lag(42, Duration.ofMillis(1_500)));
        for (int i = 0; i < 5; i++) {
            stream.applies(200);
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(gauge("cutover.stream.lag.events")).isEqualTo(42.0);
        assertThat(registry.get("cutover.stream.lag").tags("name", "orders").timeGauge().value(TimeUnit.MILLISECONDS))
                .isEqualTo(1_500.0);
        assertThat(registry.get("cutover.stream.applied").tags("name", "orders").functionCounter().count()).isEqualTo(1_000.0);
        assertThat(gauge("cutover.stream.applied.rate")).isCloseTo(200.0, within(0.001));

        stream.caughtUp().applies(5);
        assertThat(gauge("cutover.stream.lag.events")).isZero();
        assertThat(registry.get("cutover.stream.applied").tags("name", "orders").functionCounter().count()).isEqualTo(1_005.0);
    }

    @Test
    void bindTo_showsOneStateGaugePerState_oneOfThemSet() {
        CutoverMetrics.of(stream).bindTo(registry);
        assertThat(registry.find("cutover.stream.state").gauges()).hasSize(ReplicationStream.State.values().length);
        assertThat(gauge("cutover.stream.state", "state", "new")).isEqualTo(1.0);

        stream.start();
        assertThat(gauge("cutover.stream.state", "state", "new")).isZero();
        assertThat(gauge("cutover.stream.state", "state", "streaming")).isEqualTo(1.0);

        stream.fail(new IllegalStateException("source gone"));
        assertThat(gauge("cutover.stream.state", "state", "streaming")).isZero();
        assertThat(gauge("cutover.stream.state", "state", "failed")).isEqualTo(1.0);
    }

    @Test
    void bindTo_showsTheInitialCopyWhileItRuns() {
        CutoverMetrics.of(stream).bindTo(registry);
        stream.start();
        stream.copying(new CopyStatus(2, 5, 12_000, 40_000));
        assertThat(gauge("cutover.stream.copy.rows")).isEqualTo(12_000.0);
        assertThat(gauge("cutover.stream.copy.rows.estimated")).isEqualTo(40_000.0);
        assertThat(gauge("cutover.stream.copy.tables.done")).isEqualTo(2.0);
        assertThat(gauge("cutover.stream.copy.tables.total")).isEqualTo(5.0);
        assertThat(gauge("cutover.stream.state", "state", "copying")).isEqualTo(1.0);

        stream.copyDone();
        assertThat(gauge("cutover.stream.copy.rows")).isZero();
        assertThat(gauge("cutover.stream.copy.rows.estimated")).isNaN();
    }

    @Test
    void bindTo_readsNaNForWhatAStreamDoesNotCount() {
        ReplicationStream bare = new CountlessStream();
        CutoverMetrics.of(bare).bindTo(registry);
        assertThat(registry.get("cutover.stream.applied").tags("name", "bare").functionCounter().count()).isNaN();
        assertThat(registry.get("cutover.stream.applied.rate").tags("name", "bare").gauge().value()).isNaN();
        assertThat(registry.get("cutover.stream.lag.events").tags("name", "bare").gauge().value()).isEqualTo(3.0);
    }

    @Test
    void stream_givenBySupplier_followsTheLiveStream_andReadsNaNWithoutOne() {
        AtomicReference<ReplicationStream> live = new AtomicReference<>();
        CutoverMetrics.builder().stream("orders", live::get).build().bindTo(registry);
        assertThat(gauge("cutover.stream.lag.events")).isNaN();

        live.set(stream.lagging(new Lag(7, Duration.ZERO)));
        assertThat(gauge("cutover.stream.lag.events")).isEqualTo(7.0);
        FakeReplicationStream reverse = FakeReplicationStream.named("reverse").lagging(new Lag(1, Duration.ZERO));
        live.set(reverse);
        assertThat(gauge("cutover.stream.lag.events")).isEqualTo(1.0);
    }

    @Test
    void bindTo_aStreamThatThrows_readsNaNInsteadOfFailingTheScrape() {
        CutoverMetrics.builder().stream("orders", () -> {
            throw new IllegalStateException("closed");
        }).build().bindTo(registry);
        assertThat(gauge("cutover.stream.lag.events")).isNaN();
    }

    @Test
    void tags_addCommonTags_andRefuseCutoversOwnKeys() {
        CutoverMetrics.builder().stream(stream).tags(Tags.of("app", "shop")).build().bindTo(registry);
        assertThat(registry.get("cutover.stream.lag.events").tags("name", "orders", "app", "shop").gauge()).isNotNull();
        assertThatThrownBy(() -> CutoverMetrics.builder().tags(Tags.of("name", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'name' is set by CutoverMetrics");
        assertThatThrownBy(() -> CutoverMetrics.builder().stream(" ", () -> stream))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> CutoverMetrics.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("stream");
    }

    @Test
    void bindTo_twiceToOneRegistry_registersOnce() {
        CutoverMetrics metrics = CutoverMetrics.of(stream);
        metrics.bindTo(registry);
        metrics.bindTo(registry);
        assertThat(registry.find("cutover.stream.lag.events").gauges()).hasSize(1);
    }

    // ---- cutovers over fakes

    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(RecordingDataSource.named("blue"),
            RecordingDataSource.named("green"));
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);

    private Cutover.Builder cutover(CutoverMetrics metrics) {
        link.stream().useClock(clock);
        if (link.stream().state() == ReplicationStream.State.NEW) {
            link.stream().start();
        }
        return Cutover.builder().name("shop").switcher(switcher).link(link).clock(clock).listener(metrics);
    }

    private double outcomes(String outcome, String phase, String reason) {
        Counter c = registry.find("cutover.outcomes").tags("name", "shop", "outcome", outcome, "phase", phase, "reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void execute_recordsEachPhaseTheWritePauseAndAFlip() {
        CutoverMetrics metrics = CutoverMetrics.of(link.stream());
        metrics.bindTo(registry);
        link.stream().fenceTakes(Duration.ofMillis(120));
        cutover(metrics).build().execute();

        Timer catchUp = registry.get("cutover.phase").tags("name", "shop", "phase", "catch_up").timer();
        assertThat(catchUp.count()).isEqualTo(1);
        assertThat(catchUp.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120.0);
        assertThat(registry.find("cutover.phase").tags("name", "shop").timers()).extracting(t -> t.getId().getTag("phase"))
                .containsExactlyInAnyOrder("preflight", "pause", "guard", "catch_up", "handoff", "reverse", "flip", "resume");
        Timer pause = registry.get("cutover.write.pause").tags("name", "shop", "outcome", "flipped").timer();
        assertThat(pause.count()).isEqualTo(1);
        assertThat(pause.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120.0);
        assertThat(outcomes("flipped", "none", "none")).isEqualTo(1.0);
    }

    @Test
    void rehearse_isCountedApartFromAFlip() {
        CutoverMetrics metrics = CutoverMetrics.builder().build();
        metrics.bindTo(registry);
        cutover(metrics).build().rehearse();
        assertThat(outcomes("rehearsed", "none", "none")).isEqualTo(1.0);
        assertThat(outcomes("flipped", "none", "none")).isZero();
        assertThat(registry.get("cutover.write.pause").tags("outcome", "rehearsed").timer().count()).isEqualTo(1);
    }

    @Test
    void abort_isCountedWithItsPhaseAndCause_andItsPauseTimed() {
        CutoverMetrics metrics = CutoverMetrics.of(link.stream());
        metrics.bindTo(registry);
        link.stream().fenceTakes(Duration.ofSeconds(4));
        assertThatThrownBy(() -> cutover(metrics).catchUpBudget(Duration.ofSeconds(5)).totalBudget(Duration.ofSeconds(3))
                .build().execute()).isInstanceOf(CutoverAbortedException.class);

        assertThat(outcomes("aborted", "catch_up", "CatchUpTimeoutException")).isEqualTo(1.0);
        Timer pause = registry.get("cutover.write.pause").tags("name", "shop", "outcome", "aborted").timer();
        assertThat(pause.count()).isEqualTo(1);
        assertThat(pause.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
        assertThat(registry.find("cutover.outcomes").tags("outcome", "flipped").counter()).isNull();
    }

    @Test
    void refusal_isCountedWithoutAPause() {
        CutoverMetrics metrics = CutoverMetrics.of(link.stream());
        metrics.bindTo(registry);
        link.preflightFails("green is read-only; grant writes first");
        assertThatThrownBy(() -> cutover(metrics).build().execute()).isInstanceOf(PreflightException.class);

        assertThat(outcomes("refused", "preflight", "PreflightException")).isEqualTo(1.0);
        assertThat(registry.find("cutover.write.pause").timers()).isEmpty();
        assertThat(registry.find("cutover.phase").tags("phase", "pause").timers()).isEmpty();
    }

    @Test
    void cutover_beforeBindTo_recordsNothing_andMetersFollowEveryBoundRegistry() {
        CutoverMetrics metrics = CutoverMetrics.builder().build();
        Cutover first = cutover(metrics).build();
        first.rehearse();
        assertThat(registry.getMeters()).isEmpty();

        SimpleMeterRegistry other = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        metrics.bindTo(other);
        first.execute();
        assertThat(registry.get("cutover.outcomes").tag("outcome", "flipped").counter().count()).isEqualTo(1.0);
        assertThat(other.get("cutover.outcomes").tag("outcome", "flipped").counter().count()).isEqualTo(1.0);
        assertThat(registry.getMeters()).extracting(Meter::getId).allMatch(id -> id.getName().startsWith("cutover."));
    }

    @Test
    void rollback_overTheReverseLink_isRecordedToo() {
        CutoverMetrics metrics = CutoverMetrics.builder().build();
        metrics.bindTo(registry);
        Cutover forward = cutover(metrics).build();
        forward.execute();
        ReplicationLink back = forward.reverseLink().orElseThrow();
        Cutover.builder().name("shop").switcher(switcher).link(back).clock(clock).listener(metrics).build().execute();
        assertThat(outcomes("flipped", "none", "none")).isEqualTo(2.0);
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
    }

    /** A stream that keeps no counts: status() is the interface's default. */
    private static final class CountlessStream implements ReplicationStream {
        @Override
        public String name() {
            return "bare";
        }

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public State state() {
            return State.STREAMING;
        }

        @Override
        public Lag lag() {
            return new Lag(3, Duration.ZERO);
        }

        @Override
        public io.cutover.Position appliedPosition() {
            return io.cutover.Position.NONE;
        }

        @Override
        public io.cutover.Fence awaitFence(Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<Throwable> failure() {
            return java.util.Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
