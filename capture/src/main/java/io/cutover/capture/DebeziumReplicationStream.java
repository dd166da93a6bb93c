package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import io.cutover.CutoverException;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.Position;
import io.cutover.Recovery;
import io.cutover.ReplicationStream;
import io.cutover.StreamStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplicationStream} that runs a Debezium connector in an embedded engine on its own
 * thread and applies its changes on the target through JDBC, batch by batch, each batch in one
 * transaction with the stream's offset. Dialect-neutral: the {@link io.cutover.spi.CaptureDialect}
 * supplies the connector settings and the SQL.
 *
 * <p>This class composes the parts that do the work: {@link StreamLifecycle} owns the state and
 * the dialect's session, {@link StreamRuns} starts and ends the runs of the engine (each with its
 * {@link StartPoint}, {@link CopyRun} and {@link EngineRun}), {@link StreamRecovery} replaces a
 * run that failed with a transient error, {@link StallWatchdog} one whose source went silent,
 * {@link ApplyProgress} tracks what the target applied and wakes fence waiters, {@link
 * FenceWriter} writes fences on the source. Thread-safe.
 */
final class DebeziumReplicationStream implements ReplicationStream {

    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    private final CaptureSpec config;
    private final StreamLifecycle lifecycle;
    private final ApplyProgress applied;
    private final FenceWriter fences;
    private final StreamRecovery recovery;
    private final StreamStatusTracker status;
    private final StreamRuns runs;
    private final StallWatchdog watchdog;
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Creates a stream; nothing connects until {@link #start()}.
     *
     * @param config the configuration
     */
    DebeziumReplicationStream(CaptureSpec config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.recovery = new StreamRecovery(config.name(), config.sourceLabel(), config.targetLabel(), config.recoveryBudget(),
                config.startTimeout(), config.clock(), new StreamRecovery.Runs() {
                    @Override
                    public void stopRun() {
                        runs.stopEngine(StreamRecovery.ABANDON_AFTER);
                    }

                    @Override
                    public void resume(Duration timeout) {
                        runs.launch(lifecycle.resume(), timeout, true);
                    }

                    @Override
                    public State state() {
                        return lifecycle.state();
                    }

                    @Override
                    public boolean recovered() {
                        return lifecycle.recovered();
                    }

                    @Override
                    public void giveUp(Throwable error) {
                        lifecycle.recoveryFailed(error);
                    }

                    @Override
                    public Lag lag() {
                        return applied.lag();
                    }
                }, config.retriesStart());
        this.lifecycle = new StreamLifecycle(config.name(), config.session(), this::wakeFenceWaiters, recovery, this::moved);
        this.applied = new ApplyProgress(config, lifecycle);
        this.fences = new FenceWriter(config);
        this.status = new StreamStatusTracker(config.name(), config.clock(), lifecycle, applied);
        status.recoveryFrom(recovery::current);
        this.runs = new StreamRuns(config, lifecycle, applied, status, this::stop);
        this.watchdog = new StallWatchdog(config.name(), config.sourceLabel(), config.targetLabel(), config.stallTimeout(),
                config.clock(), new StallWatchdog.Watched() {
                    @Override
                    public State state() {
                        return lifecycle.state();
                    }

                    @Override
                    public long lastHeardMillis() {
                        return applied.lastHeardMillis();
                    }

                    @Override
                    public boolean applying() {
                        return applied.applying();
                    }

                    @Override
                    public boolean stalled(Throwable why) {
                        return lifecycle.sourceSilent(why);
                    }
                });
    }

    private void moved(State from, State to) {
        if (to == State.RECOVERING) {
            applied.lost();
        } else if (to == State.STREAMING) {
            watchdog.streamingBegan();
        }
        for (StateListener l : listeners) {
            try {
                l.stateChanged(this, from, to);
            } catch (RuntimeException e) {
                LOG.warn("stream '{}': a state listener threw on {} -> {}: {}", config.name(), from, to, e.toString(), e);
            }
        }
    }

    private void wakeFenceWaiters() {
        applied.wakeFenceWaiters();
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public void start() {
        if (lifecycle.state() == State.FAILED) {
            runs.retire();
        }
        Map<String, String> connector = lifecycle.start();
        if (connector == null) {
            return; // the session failed transiently and this stream retries its start: it is RECOVERING
        }
        runs.launch(connector, config.startTimeout(), false);
    }

    @Override
    public void stop() {
        if (lifecycle.stop(runs::stopEngine)) {
            recovery.quiesce(false, StreamRecovery.ABANDON_AFTER);
            runs.stopEngine(); // a run the recovery registered before it saw the stop
        }
    }

    @Override
    public State state() {
        return lifecycle.state();
    }

    @Override
    public Lag lag() {
        return applied.lag();
    }

    @Override
    public Position appliedPosition() {
        return applied.appliedPosition();
    }

    @Override
    public Fence awaitFence(Duration timeout) {
        java.util.Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        State s = lifecycle.state();
        if (s != State.STREAMING && s != State.COPYING) {
            throw new CutoverException(Phase.CATCH_UP, "stream '" + config.name() + "' is " + s + ", not STREAMING; cannot write a fence");
        }
        long start = System.nanoTime();
        long id = applied.nextFenceId();
        fences.write(id);
        long deadline = start + timeout.toNanos();
        applied.awaitApplied(id, start, deadline);
        return new Fence(id, applied.appliedPosition(), Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public StreamStatus status() {
        return status.status();
    }

    @Override
    public Optional<Throwable> failure() {
        return lifecycle.failure();
    }

    @Override
    public void close() {
        lifecycle.close(this::release);
    }

    @Override
    public Optional<Recovery> recovery() {
        return recovery.current();
    }

    @Override
    public void addListener(StateListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** How long a close waits for the engine, and for each call on the target, before leaving them behind. */
    static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

    // Ends the run and releases what the host holds: the fence connection, the offset row. Bounded:
    // a side that is down or frozen must not hold an application's shutdown.
    private void release() {
        watchdog.close();
        runs.stopEngine(CLOSE_BOUND);
        recovery.quiesce(true, StreamRecovery.ABANDON_AFTER);
        runs.stopEngine(CLOSE_BOUND);
        fences.close();
        if (!runs.readOffset()) {
            // Never read: a start refused before it (a stale offset) must leave the row for the refusal to be repeated.
            return;
        }
        try (Connection target = BoundedCalls.openWithin(config.target(), CLOSE_BOUND)) {
            OffsetTable.delete(target, config.name());
        } catch (SQLException e) {
            LOG.warn("stream '{}': could not delete its offset row on {} ({}); a later start of a stream of this name"
                    + " would resume from it: remove it with DELETE FROM {} WHERE stream = '{}' on {}", config.name(),
                    config.targetLabel(), e.getMessage(), OffsetTable.NAME, config.name(), config.targetLabel());
        }
    }

    @Override
    public String toString() {
        return lifecycle.toString();
    }
}
