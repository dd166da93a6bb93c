package io.cutover.micrometer;

import io.cutover.CopyStatus;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverException;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.Phase;
import io.cutover.ReplicationStream;
import io.cutover.StreamStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cutover's metrics for Micrometer. As a {@link MeterBinder} it binds a stream's gauges, read
 * from {@link ReplicationStream#status()} at each scrape; as a {@link CutoverListener} it records
 * each cutover it hears. Every meter is named {@code cutover.*} and tagged {@code name} (the
 * stream's or the cutover's name), plus any common tags given to the builder.
 *
 * <pre>{@code
 * CutoverMetrics metrics = CutoverMetrics.of(link.stream());
 * metrics.bindTo(registry);
 * Cutover cutover = Cutover.builder().name("orders").switcher(switcher).link(link)
 *         .listener(metrics).build();
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>meter</th><th>type</th><th>tags besides name</th><th>what</th></tr>
 * <tr><td>cutover.stream.lag.events</td><td>gauge</td><td></td><td>changes captured, not yet applied</td></tr>
 * <tr><td>cutover.stream.lag</td><td>time gauge</td><td></td><td>age of the oldest change not applied</td></tr>
 * <tr><td>cutover.stream.applied</td><td>function counter</td><td></td><td>row changes committed on the target</td></tr>
 * <tr><td>cutover.stream.applied.rate</td><td>gauge</td><td></td><td>changes per second over the last 10 s</td></tr>
 * <tr><td>cutover.stream.state</td><td>gauge</td><td>state</td><td>1 for the state the stream is in, 0 for the others</td></tr>
 * <tr><td>cutover.stream.copy.rows</td><td>gauge</td><td></td><td>rows of the initial copy so far (0 when not copying)</td></tr>
 * <tr><td>cutover.stream.copy.rows.estimated</td><td>gauge</td><td></td><td>rows the copy expects, NaN if unknown</td></tr>
 * <tr><td>cutover.stream.copy.tables.done</td><td>gauge</td><td></td><td>tables copied completely</td></tr>
 * <tr><td>cutover.stream.copy.tables.total</td><td>gauge</td><td></td><td>tables the copy covers, NaN if unknown</td></tr>
 * <tr><td>cutover.phase</td><td>timer</td><td>phase</td><td>each phase of each cutover</td></tr>
 * <tr><td>cutover.write.pause</td><td>timer</td><td>outcome</td><td>the write pause of each cutover that paused</td></tr>
 * <tr><td>cutover.outcomes</td><td>counter</td><td>outcome, phase, reason</td><td>cutovers by outcome: flipped,
 *     rehearsed, aborted or refused; the phase it ended in and the error's type ({@code none} on success)</td></tr>
 * </table>
 *
 * <p>A value the stream does not keep reads {@code NaN}. Recording before {@link #bindTo} records
 * nothing. Thread-safe; may be bound to several registries.
 */
public final class CutoverMetrics implements MeterBinder, CutoverListener {

    private static final Logger LOG = LoggerFactory.getLogger(CutoverMetrics.class);
    private static final String NONE = "none";

    private final String streamName;
    private final Supplier<ReplicationStream> stream; // null: listener only
    private final Tags common;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    private CutoverMetrics(Builder b) {
        this.streamName = b.streamName;
        this.stream = b.stream;
        this.common = b.tags;
    }

    /**
     * Metrics for one stream, tagged with its name, and for the cutovers over it.
     *
     * @param stream the stream
     * @return the metrics, not bound yet
     * @throws NullPointerException if stream is null
     */
    public static CutoverMetrics of(ReplicationStream stream) {
        return builder().stream(stream).build();
    }

    /**
     * Starts building metrics.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (registries.contains(registry)) {
            return;
        }
        if (stream != null) {
            bindStream(registry);
        }
        registries.add(registry);
    }

    private void bindStream(MeterRegistry r) {
        Tags tags = common.and("name", streamName);
        gauge(r, "cutover.stream.lag.events", "changes captured from the source and not yet committed on the target", "changes", tags,
                s -> s.lag().events());
        TimeGauge.builder("cutover.stream.lag", this, TimeUnit.MILLISECONDS, m -> m.read(s -> s.lag().behind().toMillis()))
                .description("age of the oldest change not yet committed on the target").tags(tags).strongReference(true).register(r);
        // The gauges hold this object strongly, so the counter's weak reference to it stays good.
        FunctionCounter.builder("cutover.stream.applied", this,
                m -> m.read(s -> s.appliedTotal() == StreamStatus.UNKNOWN ? Double.NaN : s.appliedTotal()))
                .description("row changes committed on the target").baseUnit("changes").tags(tags).register(r);
        gauge(r, "cutover.stream.applied.rate", "row changes committed on the target per second, over the last few seconds",
                "changes/s", tags, StreamStatus::appliedPerSecond);
        for (ReplicationStream.State state : ReplicationStream.State.values()) {
            gauge(r, "cutover.stream.state", "1 for the state the stream is in, 0 for the others", null,
                    tags.and("state", lower(state.name())), s -> s.state() == state ? 1 : 0);
        }
        gauge(r, "cutover.stream.copy.rows", "rows copied by the initial copy so far; 0 when not copying", "rows", tags,
                s -> s.copy() == null ? 0 : s.copy().rowsCopied());
        gauge(r, "cutover.stream.copy.rows.estimated", "rows the initial copy expects in all", "rows", tags,
                s -> s.copy() == null || s.copy().rowsEstimated() == CopyStatus.UNKNOWN ? Double.NaN : s.copy().rowsEstimated());
        gauge(r, "cutover.stream.copy.tables.done", "tables the initial copy has finished", "tables", tags,
                s -> s.copy() == null ? 0 : s.copy().tablesDone());
        gauge(r, "cutover.stream.copy.tables.total", "tables the initial copy covers", "tables", tags,
                s -> s.copy() == null || s.copy().tablesTotal() == CopyStatus.UNKNOWN ? Double.NaN : s.copy().tablesTotal());
    }

    private void gauge(MeterRegistry r, String name, String description, String unit, Tags tags, ToDoubleFunction<StreamStatus> value) {
        Gauge.Builder<CutoverMetrics> b = Gauge.builder(name, this, m -> m.read(value)).description(description).tags(tags)
                .strongReference(true);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(r);
    }

    private double read(ToDoubleFunction<StreamStatus> value) {
        try {
            ReplicationStream s = stream.get();
            return s == null ? Double.NaN : value.applyAsDouble(s.status());
        } catch (RuntimeException e) {
            // A scrape must not fail because one stream cannot say how it is.
            LOG.debug("stream '{}': status unavailable for metrics: {}", streamName, e.toString());
            return Double.NaN;
        }
    }

    // ---- the cutover's events

    @Override
    public void phaseFinished(String cutover, Phase phase, Duration took) {
        for (MeterRegistry r : registries) {
            Timer.builder("cutover.phase").description("how long each phase of a cutover took")
                    .tags(common.and("name", cutover, "phase", lower(phase.name()))).register(r).record(took);
        }
    }

    @Override
    public void completed(CutoverResult result) {
        String outcome = lower(result.outcome().name());
        recordPause(result.name(), outcome, result.writePause());
        count(result.name(), outcome, NONE, NONE);
    }

    @Override
    public void aborted(String cutover, CutoverException failure) {
        if (failure instanceof CutoverAbortedException a && a.result() != null) {
            recordPause(cutover, "aborted", a.result().writePause());
        }
        count(cutover, "aborted", lower(failure.phase().name()), reason(failure));
    }

    @Override
    public void refused(String cutover, CutoverException failure) {
        count(cutover, "refused", lower(failure.phase().name()), reason(failure));
    }

    private void recordPause(String cutover, String outcome, Duration pause) {
        for (MeterRegistry r : registries) {
            Timer.builder("cutover.write.pause").description("how long writes were paused, from the pause to the resume")
                    .tags(common.and("name", cutover, "outcome", outcome)).register(r).record(pause);
        }
    }

    private void count(String cutover, String outcome, String phase, String reason) {
        for (MeterRegistry r : registries) {
            Counter.builder("cutover.outcomes").description("cutovers by how they ended")
                    .tags(common.and(Tags.of(Tag.of("name", cutover), Tag.of("outcome", outcome), Tag.of("phase", phase),
                            Tag.of("reason", reason))))
                    .register(r).increment();
        }
    }

    // The type of what went wrong, few values unlike messages, so fit for a tag: an abort's cause
    // (a drain or catch-up timeout, say), a refusal's cause if it has one, else the refusal itself.
    private static String reason(CutoverException failure) {
        Throwable cause = failure.getCause();
        return (cause != null ? cause : failure).getClass().getSimpleName();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "CutoverMetrics[" + (stream == null ? "cutovers only" : "stream '" + streamName + "'") + ", " + registries.size()
                + " registries]";
    }

    /**
     * Builds {@link CutoverMetrics}. Not thread-safe; the built metrics are.
     */
    public static final class Builder {
        private String streamName;
        private Supplier<ReplicationStream> stream;
        private Tags tags = Tags.empty();

        Builder() {
        }

        /**
         * The stream whose gauges to bind, tagged with its name. Optional: without a stream only
         * the cutovers are recorded.
         *
         * @param stream the stream
         * @return this builder
         * @throws NullPointerException if stream is null
         */
        public Builder stream(ReplicationStream stream) {
            Objects.requireNonNull(stream, "stream");
            return stream(stream.name(), () -> stream);
        }

        /**
         * A stream that changes over time, read at each scrape: for example the forward link's
         * stream before a cutover and the reverse link's after it. A supplier that returns null
         * makes the stream's gauges read {@code NaN}.
         *
         * @param name the {@code name} tag of the stream's gauges; not blank
         * @param stream returns the stream to read now
         * @return this builder
         * @throws NullPointerException if either is null
         * @throws IllegalArgumentException if name is blank
         */
        public Builder stream(String name, Supplier<ReplicationStream> stream) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.streamName = name;
            this.stream = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /**
         * Tags added to every meter, for example the application's name.
         *
         * @param tags the tags; none may be {@code name}, {@code state}, {@code phase},
         *     {@code outcome} or {@code reason}
         * @return this builder
         * @throws NullPointerException if tags is null
         * @throws IllegalArgumentException if a tag uses one of the keys Cutover sets
         */
        public Builder tags(Iterable<Tag> tags) {
            Objects.requireNonNull(tags, "tags");
            for (Tag t : tags) {
                if (List.of("name", "state", "phase", "outcome", "reason").contains(t.getKey())) {
                    throw new IllegalArgumentException("tag '" + t.getKey() + "' is set by CutoverMetrics itself; choose another key");
                }
            }
            this.tags = this.tags.and(tags);
            return this;
        }

        /**
         * Builds the metrics; bind them with {@link CutoverMetrics#bindTo(MeterRegistry)} and give
         * them to {@code Cutover.builder().listener(...)}.
         *
         * @return the metrics
         */
        public CutoverMetrics build() {
            return new CutoverMetrics(this);
        }
    }
}
