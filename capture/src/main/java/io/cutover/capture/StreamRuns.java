package io.cutover.capture;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.PreflightException;
import io.cutover.ReplicationStream.State;
import io.cutover.spi.CaptureSpec;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of one stream, one at a time: {@link #launch} reads where a run starts on the target,
 * builds the engine, runs the copy and the engine on the capture thread and waits until the engine
 * polls or the copy begins; {@link #stopEngine()} ends the run and releases its connections. A run
 * reports to the stream's {@link StreamLifecycle}; a replaced run's late reports are ignored (each
 * run has a generation). A start that fails with an error the stream recovers from (see {@link
 * CaptureSpec#retriesStart()}) leaves the stream {@code RECOVERING} and returns without throwing.
 * Thread-safe: {@link #runLock} serialises setting and taking the current run.
 */
final class StreamRuns {

    // Logged under the stream's name, as the rest of the stream.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    private volatile boolean readOffset; // see readOffset()
    private final CaptureSpec config;
    private final StreamLifecycle lifecycle;
    private final ApplyProgress applied;
    private final StreamStatusTracker status;
    private final Runnable stopStream;
    private final AtomicInteger generation = new AtomicInteger(); // bumped by each run; older runs' reports are ignored
    private final Object runLock = new Object(); // serialises setting and taking {@link #running}
    private volatile Running running; // guarded by runLock for writes

    /**
     * One run of the engine, from start to stop. {@code thread} is the capture thread (the copy,
     * then the engine unless the copy launched it early on a thread of its own); {@code copyEnded}
     * opens when the copy is over, whatever its outcome; {@code held} is null without a copy.
     */
    private record Running(EngineRun engine, BatchHandler handler,
            Thread thread, CountDownLatch copyEnded, String token, HeldUntilCopied held) {
    }

    /**
     * The runs of a stream.
     *
     * @param config the stream's configuration
     * @param lifecycle the stream's lifecycle, told what each run does
     * @param applied what the stream applied
     * @param status the stream's status, told of each run's copy
     * @param stopStream stops the whole stream (when a start is interrupted)
     */
    StreamRuns(CaptureSpec config, StreamLifecycle lifecycle, ApplyProgress applied, StreamStatusTracker status,
            Runnable stopStream) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.applied = applied;
        this.status = status;
        this.stopStream = stopStream;
    }

    /**
     * Starts a run: reads where it starts on the target, builds the engine, runs the copy and the
     * engine on the capture thread, and waits until the engine polls or the copy begins.
     *
     * @param connector the connector settings of this run
     * @param timeout how long to wait for the run to start
     * @param resuming whether the run resumes a {@code RECOVERING} stream: its failures are then
     *     thrown for the recovery to judge, and do not fail the stream here. A first start's failure
     *     fails the stream and is thrown, unless the stream retries its start and the failure is
     *     transient: this then returns with the stream {@code RECOVERING}
     */
    /**
     * Tells whether a run of this stream read (and so took over) the offset row on the target: a
     * stream whose every start was refused before that leaves the row to the stream that wrote it.
     *
     * @return true once a start read the stored offset
     */
    boolean readOffset() {
        return readOffset;
    }

    void launch(Map<String, String> connector, Duration timeout, boolean resuming) {
        int gen = generation.incrementAndGet();
        AtomicReference<Throwable> runFailure = new AtomicReference<>();
        status.runCopies(null);
        String token = config.name() + "-" + UUID.randomUUID();
        String engineName = OffsetCodec.engineName(config.name());
        StartPoint prepared;
        try {
            prepared = StartPoint.prepare(config, token, applied);
        } catch (RuntimeException e) {
            if (!resuming && lifecycle.startFailed(e)) {
                return; // transient, and this stream retries its start: the recovery runs it again
            }
            throw e;
        }
        readOffset = true;
        long storedFence = prepared.fence();
        boolean copying = prepared.copy() != StartPoint.CopyNeeded.NONE;
        CountDownLatch copyEnded = new CountDownLatch(copying ? 1 : 0);
        BatchHandler handler = new BatchHandler(config, engineName, storedFence, applied);
        HeldUntilCopied held = copying ? new HeldUntilCopied(config.name(), handler) : null;
        EngineRun engine = new EngineRun(config, connector, engineName, token, copying ? held : handler, new EngineRun.Listener() {
            @Override
            public void pollingStarted() {
                if (gen != generation.get()) {
                    return;
                }
                applied.reading(heartbeatMillis(connector), SourceConnection.of(connector.get("topic.prefix")));
                // Launched early, the engine polls while the copy still runs: the copy's end says STREAMING then.
                if (copying && held.released()) {
                    lifecycle.copyDone();
                }
            }

            @Override
            public void engineFailed(String message, Throwable error) {
                runFailure.compareAndSet(null, error != null ? error : new CutoverException(Phase.CATCH_UP, message));
                if (gen != generation.get()) {
                    LOG.debug("stream '{}': a replaced run's engine ended: {}", config.name(), message);
                    return;
                }
                // A failed copy ends an engine launched early; its failure, the first, is the copy's.
                lifecycle.engineFailed(message, error);
            }

            @Override
            public void buildFailed(RuntimeException e) {
                runFailure.compareAndSet(null, e);
                if (gen == generation.get()) {
                    lifecycle.buildFailed(e);
                }
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
                boolean retried = !resuming && lifecycle.startFailed(e);
                handler.close();
                TargetOffsetStore.unregister(token);
                if (retried) {
                    return;
                }
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
                        engine.close(early, STOP_BOUND);
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
        synchronized (runLock) {
            if (resuming && lifecycle.state() != State.RECOVERING) {
                // Stopped or closed while the new run was being prepared: it must not run.
                handler.close();
                TargetOffsetStore.unregister(token);
                throw new CutoverException(Phase.CATCH_UP, "stream '" + config.name() + "' was " + lifecycle.state()
                        + " before it could resume");
            }
            running = new Running(engine, handler, thread, copyEnded, token, held);
            thread.start();
        }
        if (resuming) {
            awaitResumed(engine, timeout, runFailure);
        } else {
            awaitStarted(engine);
        }
    }

    /** Waits for a resumed run to poll or copy; throws what ended it, or a timeout. */
    private void awaitResumed(EngineRun engine, Duration timeout, AtomicReference<Throwable> runFailure) {
        boolean ok;
        try {
            ok = engine.awaitStarted(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(Phase.CATCH_UP, "stream '" + config.name() + "': interrupted while resuming", e);
        }
        Throwable t = runFailure.get();
        if (t != null) {
            throw t instanceof RuntimeException re ? re : new CutoverException(Phase.CATCH_UP, "stream '" + config.name()
                    + "' could not resume: " + t.getMessage(), t);
        }
        if (!ok) {
            throw new CutoverException(Phase.CATCH_UP, "stream '" + config.name() + "' did not resume within "
                    + timeout.toMillis() + " ms", new java.util.concurrent.TimeoutException("resuming timed out"));
        }
    }

    private static long heartbeatMillis(Map<String, String> connector) {
        try {
            return Long.parseLong(connector.getOrDefault("heartbeat.interval.ms", EngineProperties.HEARTBEAT_MILLIS));
        } catch (NumberFormatException e) {
            return Long.parseLong(EngineProperties.HEARTBEAT_MILLIS);
        }
    }

    private void awaitStarted(EngineRun engine) {
        boolean ok;
        try {
            ok = engine.awaitStarted(config.startTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopStream.run();
            throw new CutoverException(Phase.PREFLIGHT, "interrupted while starting stream '" + config.name() + "'", e);
        }
        Throwable t = lifecycle.failure().orElse(null);
        if (t != null) {
            stopEngine();
            throw new PreflightException("stream '" + config.name() + "' could not start: " + t.getMessage(), t);
        }
        if (!ok) {
            String message = "stream '" + config.name() + "' did not start streaming within " + config.startTimeout().toMillis()
                    + " ms; check the source's logs and the connector settings";
            PreflightException timedOut = config.retriesStart()
                    ? new PreflightException(message, new java.util.concurrent.TimeoutException("starting timed out"))
                    : new PreflightException(java.util.List.of(message));
            if (lifecycle.startFailed(timedOut)) {
                return; // the recovery ends this run and starts another
            }
            stopEngine();
            throw timedOut;
        }
        lifecycle.started();
    }

    /**
     * Ends a failed stream's last run before the stream starts again. That run may still be winding
     * down (a failed copy closes the engine it launched early, and that engine's end reports a
     * failure of its own): from here on its reports are ignored, and the new start waits for it to
     * end, so a late report can neither fail the new run nor reach it after its failure was cleared.
     */
    void retire() {
        generation.incrementAndGet();
        stopEngine();
    }

    /** How long {@link #stopEngine()} waits for a run to end. */
    static final Duration STOP_BOUND = Duration.ofSeconds(30);

    /** Ends the current run, if any: its engine, its copy, its connections; waits for them up to {@link #STOP_BOUND}. */
    void stopEngine() {
        stopEngine(STOP_BOUND);
    }

    /**
     * Ends the current run, if any: its engine, its copy, its connections; waits for them up to
     * {@code bound}, then abandons them (a stuck run's late reports are ignored, and its threads
     * end when their connections time out).
     *
     * @param bound the longest wait
     */
    void stopEngine(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        Running r;
        synchronized (runLock) {
            r = running;
            running = null;
        }
        if (r == null) {
            return;
        }
        if (!r.engine().cancel()) {
            // Still copying (or about to): the engine never ran; end the copy instead.
            r.thread().interrupt();
            try {
                if (!r.engine().awaitDone(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("stream '{}': initial copy did not stop within {} ms of being asked", config.name(),
                            bound.toMillis());
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
        r.engine().close(r.engine().launchedOn(), bound);
        try {
            if (!r.copyEnded().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("stream '{}': initial copy did not stop within {} ms of being asked", config.name(),
                        bound.toMillis());
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
}
