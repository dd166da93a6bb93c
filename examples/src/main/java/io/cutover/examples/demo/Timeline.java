package io.cutover.examples.demo;

import io.cutover.Lag;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the demo saw over time, for the console and the HTML report: a sample every
 * {@value #PERIOD_MILLIS} ms of the writes acknowledged and the live stream's lag, plus the pause
 * windows of each cutover. Times are milliseconds since the timeline started. Thread-safe.
 */
final class Timeline implements AutoCloseable {

    static final long PERIOD_MILLIS = 200;

    /** One sample: cumulative writes, the live stream's lag, and the side writes went to. */
    record Sample(long atMillis, long writes, long lagEvents, long lagMillis, Side side) {
    }

    /** The time writes were paused in one cutover. */
    record PauseWindow(long startMillis, long endMillis, Side from, Side to) {
    }

    private final long startNanos = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>(); // guarded by this
    private final List<PauseWindow> pauses = new ArrayList<>(); // guarded by this
    private final List<long[]> checks = new ArrayList<>(); // guarded by this
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-sampler");
        t.setDaemon(true);
        return t;
    });
    private volatile Supplier<ReplicationStream> live = () -> null;

    void start(WriteLoad load, Supplier<Side> side) {
        sampler.scheduleAtFixedRate(() -> sample(load, side), 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Sets which stream's lag is sampled (the one carrying the side written to). */
    void follow(Supplier<ReplicationStream> stream) {
        this.live = stream;
    }

    long nowMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    synchronized void pause(long startMillis, long endMillis, Side from, Side to) {
        pauses.add(new PauseWindow(startMillis, endMillis, from, to));
    }

    /** Marks a time the writers were stopped so both sides could be compared. */
    synchronized void check(long startMillis, long endMillis) {
        checks.add(new long[] {startMillis, endMillis});
    }

    synchronized List<long[]> checks() {
        return List.copyOf(checks);
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized List<PauseWindow> pauses() {
        return List.copyOf(pauses);
    }

    synchronized Sample last() {
        return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }

    private void sample(WriteLoad load, Supplier<Side> side) {
        ReplicationStream stream = live.get();
        Lag lag = Lag.NONE;
        try {
            if (stream != null && stream.state() == ReplicationStream.State.STREAMING) {
                lag = stream.lag();
            }
        } catch (RuntimeException e) {
            // A stream being closed may refuse; the sample shows no lag rather than stop sampling.
            lag = Lag.NONE;
        }
        Sample s = new Sample(nowMillis(), load.acknowledged(), lag.events(), lag.behind().toMillis(), side.get());
        synchronized (this) {
            samples.add(s);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
