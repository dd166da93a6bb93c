package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import io.cutover.CutoverException;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.Position;
import io.cutover.PreflightException;
import io.cutover.ReplicationStream;
import io.cutover.StreamStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplicationStream} that runs a Debezium connector in an embedded engine on its own
 * thread and applies its changes on the target through JDBC, batch by batch, each batch in one
 * transaction with the stream's offset. Dialect-neutral: the {@link io.cutover.spi.CaptureDialect}
 * supplies the connector settings and the SQL.
 *
 * <p>This class composes the parts that do the work: {@link StreamLifecycle} owns the state and
 * the dialect's session, {@link StartPoint} reads where a run starts, {@link
 * CopyRun} runs a bulk initial copy on the capture thread, {@link EngineRun} builds, launches and
 * closes the engine, {@link ApplyProgress} tracks what the target applied and wakes fence waiters,
 * {@link FenceWriter} writes fences on the source. Thread-safe.
 */
final class DebeziumReplicationStream implements ReplicationStream {

    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    private final CaptureSpec config;
    private final StreamLifecycle lifecycle;
    private final ApplyProgress applied;
    private final FenceWriter fences;
    private final StreamStatusTracker status;
    private volatile Running running; // start/stop/close are serialised by the lifecycle's moves

    /**
     * One run of the engine, from start to stop. {@code thread} is the capture thread (the copy,
     * then the engine unless the copy launched it early on a thread of its own); {@code copyEnded}
     * opens when the copy is over, whatever its outcome; {@code held} is null without a copy.
     */
    private record Running(EngineRun engine, BatchHandler handler,
            Thread thread, CountDownLatch copyEnded, String token, HeldUntilCopied held) {
    }

    /**
     * Creates a stream; nothing connects until {@link #start()}.
     *
     * @param config the configuration
     */
    DebeziumReplicationStream(CaptureSpec config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.lifecycle = new StreamLifecycle(config.name(), config.session(), this::wakeFenceWaiters);
        this.applied = new ApplyProgress(config, lifecycle);
        this.fences = new FenceWriter(config);
        this.status = new StreamStatusTracker(config.name(), config.clock(), lifecycle, applied);
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
        Map<String, String> connector = lifecycle.start();
        status.runCopies(null);
        String token = config.name() + "-" + UUID.randomUUID();
        String engineName = OffsetCodec.engineName(config.name());
        StartPoint prepared;
        try {
            prepared = StartPoint.prepare(config, token, applied);
        } catch (RuntimeException e) {
            lifecycle.startFailed(e);
            throw e;
        }
        long storedFence = prepared.fence();
        boolean copying = prepared.copy() != StartPoint.CopyNeeded.NONE;
        CountDownLatch copyEnded = new CountDownLatch(copying ? 1 : 0);
        BatchHandler handler = new BatchHandler(config, engineName, storedFence, applied);
        HeldUntilCopied held = copying ? new HeldUntilCopied(config.name(), handler) : null;
        EngineRun engine = new EngineRun(config, connector, engineName, token, copying ? held : handler, new EngineRun.Listener() {
            @Override
            public void pollingStarted() {
                // Launched early, the engine polls while the copy still runs: the copy's end says STREAMING then.
                if (copying && held.released()) {
                    lifecycle.copyDone();
                }
            }

            @Override
            public void engineFailed(String message, Throwable error) {
                // A failed copy ends an engine launched early; its failure, the first, is the copy's.
                lifecycle.engineFailed(message, error);
            }

            @Override
            public void buildFailed(RuntimeException e) {
                lifecycle.buildFailed(e);
            }

            @Override
            public void stalled() {
                lifecycle.engineStalled();
            }
        });
        if (!copying) {
            try {
                engine.build(); // as before: a bad setting fails start() itself
            } catch (RuntimeException e) {
                lifecycle.startFailed(e);
                throw e;
            }
        } else {
            engine.buildAhead();
        }
        Thread thread = new Thread(() -> {
            if (copying) {
                CopyRun load = new CopyRun(config, lifecycle, prepared.copy(), token, engineName, engine, held);
                status.runCopies(load.progress());
                boolean copied;
                try {
                    copied = load.run();
                } finally {
                    copyEnded.countDown();
                }
                Thread early = engine.launchedOn();
                if (early != null) {
                    // The engine runs on its own thread already; a copy that failed must end it (a stop ends it itself).
                    if (!copied && !engine.cancelled()) {
                        held.drop();
                        engine.close(early);
                    }
                    return;
                }
                if (!copied) {
                    engine.ended();
                    return;
                }
            }
            if (!engine.launch(Thread.currentThread())) {
                engine.ended();
                return;
            }
            engine.run();
        }, "cutover-capture-" + config.name());
        thread.setDaemon(true);
        running = new Running(engine, handler, thread, copyEnded, token, held);
        thread.start();
        awaitStarted(engine);
    }

    private void awaitStarted(EngineRun engine) {
        boolean ok;
        try {
            ok = engine.awaitStarted(config.startTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new CutoverException(Phase.PREFLIGHT, "interrupted while starting stream '" + config.name() + "'", e);
        }
        Throwable t = lifecycle.failure().orElse(null);
        if (t != null) {
            stopEngine();
            throw new PreflightException("stream '" + config.name() + "' could not start: " + t.getMessage(), t);
        }
        if (!ok) {
            PreflightException timedOut = new PreflightException(java.util.List.of("stream '" + config.name()
                    + "' did not start streaming within " + config.startTimeout().toMillis()
                    + " ms; check the source's logs and the connector settings"));
            lifecycle.startFailed(timedOut);
            stopEngine();
            throw timedOut;
        }
        lifecycle.started();
    }

    @Override
    public void stop() {
        lifecycle.stop(this::stopEngine);
    }

    private void stopEngine() {
        Running r = running;
        running = null;
        if (r == null) {
            return;
        }
        if (!r.engine().cancel()) {
            // Still copying (or about to): the engine never ran; end the copy instead.
            r.thread().interrupt();
            try {
                if (!r.engine().awaitDone(30, TimeUnit.SECONDS)) {
                    LOG.warn("stream '{}': initial copy did not stop within 30 s of being asked", config.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            released(r);
            return;
        }
        HeldUntilCopied held = r.held();
        if (held != null && held.drop() && r.copyEnded().getCount() > 0) {
            // The engine was launched early and the copy still runs: end the copy too.
            r.thread().interrupt();
        }
        r.engine().close(r.engine().launchedOn());
        try {
            if (!r.copyEnded().await(30, TimeUnit.SECONDS)) {
                LOG.warn("stream '{}': initial copy did not stop within 30 s of being asked", config.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        released(r);
    }

    private void released(Running r) {
        r.handler().close();
        TargetOffsetStore.unregister(r.token());
        applied.reset();
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

    // Ends the run and releases what the host holds: the fence connection, the offset row.
    private void release() {
        stopEngine();
        fences.close();
        try (Connection target = config.target().getConnection()) {
            OffsetTable.delete(target, config.name());
        } catch (SQLException e) {
            LOG.warn("stream '{}': could not delete its offset row on the target: {}", config.name(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return lifecycle.toString();
    }
}
