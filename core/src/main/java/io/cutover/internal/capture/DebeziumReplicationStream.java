package io.cutover.internal.capture;

import io.cutover.CutoverException;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.Position;
import io.cutover.PreflightException;
import io.cutover.ReplicationStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplicationStream} that runs a Debezium connector in an embedded engine on its own
 * thread and applies its changes on the target through JDBC, batch by batch, each batch in one
 * transaction with the stream's offset. Dialect-neutral: the {@link io.cutover.spi.CaptureDialect}
 * supplies the connector settings and the SQL. Thread-safe.
 */
public final class DebeziumReplicationStream implements ReplicationStream {

    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    private final CaptureConfig config;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ApplyProgress applied;
    private final FenceWriter fences;
    private volatile Running running; // guarded by lifecycle (start/stop are serialised by the state CAS)

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
    public DebeziumReplicationStream(CaptureConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.applied = new ApplyProgress(config, state);
        this.fences = new FenceWriter(config);
    }

    @Override
    public String name() {
        return config.name;
    }

    @Override
    public void start() {
        State from = state.get();
        if (from != State.NEW && from != State.STOPPED && from != State.FAILED) {
            throw new IllegalStateException("stream '" + config.name + "' cannot start: expected NEW, STOPPED or FAILED, was " + from);
        }
        if (!state.compareAndSet(from, State.STARTING)) {
            throw new IllegalStateException("stream '" + config.name + "' cannot start: state changed concurrently, now " + state.get());
        }
        failure.set(null);
        try {
            config.onStart.run();
        } catch (RuntimeException e) {
            state.set(State.FAILED);
            failure.set(e);
            throw e;
        }
        String token = config.name + "-" + UUID.randomUUID();
        String engineName = "cutover-" + config.name;
        Prepared prepared = prepare(token, engineName);
        long storedFence = prepared.fence();
        boolean copying = prepared.copy() != CopyNeeded.NONE;
        CountDownLatch copyEnded = new CountDownLatch(copying ? 1 : 0);
        BatchHandler handler = new BatchHandler(config, engineName, storedFence, applied);
        HeldUntilCopied held = copying ? new HeldUntilCopied(config.name, handler) : null;
        EngineRun engine = new EngineRun(config, engineName, token, copying ? held : handler, new EngineRun.Listener() {
            @Override
            public void pollingStarted() {
                // Launched early, the engine polls while the copy still runs: the copy's end says STREAMING then.
                if (copying && held.released()) {
                    applied.copyDoneStreaming();
                }
            }

            @Override
            public void engineFailed(String message, Throwable error) {
                if (state.get() != State.STOPPED && state.get() != State.CLOSED) {
                    Throwable t = error != null ? error : new CutoverException(Phase.CATCH_UP, message);
                    // A failed copy ends an engine launched early; its failure is the copy's.
                    if (failure.compareAndSet(null, t)) {
                        LOG.error("stream '{}' failed: {}", config.name, message, error);
                    }
                    state.set(State.FAILED);
                    applied.wakeFenceWaiters(); // a fence cannot arrive any more: do not let awaitFence sleep out its timeout
                }
            }

            @Override
            public void buildFailed(RuntimeException e) {
                failure.compareAndSet(null, e);
                state.set(State.FAILED);
                LOG.error("stream '{}': cannot create its engine: {}", config.name, e.getMessage(), e);
                applied.wakeFenceWaiters();
            }
        });
        if (!copying) {
            engine.build(); // as before: a bad setting fails start() itself
        } else {
            engine.buildAhead();
        }
        Thread thread = new Thread(() -> {
            if (copying) {
                Load load = new Load(prepared.copy(), token, engineName, engine, held);
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
        }, "cutover-capture-" + config.name);
        thread.setDaemon(true);
        running = new Running(engine, handler, thread, copyEnded, token, held);
        thread.start();
        awaitStarted(engine);
    }

    /** What {@link #prepare} found on the target. */
    private record Prepared(long fence, CopyNeeded copy) {
    }

    /** Whether a bulk initial copy must run before the engine. */
    private enum CopyNeeded {
        NONE, FRESH, REDO
    }

    /**
     * One run of the bulk initial copy on the capture thread, and the copy's view of this stream.
     * The engine starts after it, or during it once the copy fixes where it begins.
     */
    private final class Load implements InitialLoad.Context {
        private final CopyNeeded copy;
        private final String token;
        private final String engineName;
        private final EngineRun engine;
        private final HeldUntilCopied held;
        private final CopyProgress progress = new CopyProgress(config.name, config.clock);
        private InitialLoad.Start early; // confined to the capture thread

        Load(CopyNeeded copy, String token, String engineName, EngineRun engine, HeldUntilCopied held) {
            this.copy = copy;
            this.token = token;
            this.engineName = engineName;
            this.engine = engine;
            this.held = held;
        }

        // Copies; false if the copy failed or was cancelled.
        boolean run() {
            if (!state.compareAndSet(State.STARTING, State.COPYING)) {
                return false;
            }
            engine.markStarted();
            try {
                if (copy == CopyNeeded.REDO) {
                    LOG.info("stream '{}': an earlier initial copy did not finish; discarding what it left and copying again", config.name);
                    config.initialLoad.discardPartialCopy(this);
                }
                InitialLoad.Start start = config.initialLoad.copy(this);
                if (engine.cancelled()) {
                    return false;
                }
                if (early != null && !early.equals(start)) {
                    throw new IllegalStateException("the copy fixed the stream's start at " + early + " but returned " + start);
                }
                OffsetTable.Stored done = stored(start);
                try (Connection target = config.target.getConnection()) {
                    target.setAutoCommit(true);
                    new OffsetTable(config.dialect).write(target, config.name, done, config.clock.millis());
                }
                if (start.offset() != null && early == null) {
                    TargetOffsetStore.register(token, done.key(), done.value());
                }
                LOG.info("stream '{}': initial copy finished: {}", config.name, progress.summary());
                // Only now may streamed changes overwrite the done marker with their offsets and touch copied rows.
                if (!held.release()) {
                    return false;
                }
                if (engine.polling()) {
                    applied.copyDoneStreaming();
                }
                return true;
            } catch (InterruptedException e) {
                LOG.info("stream '{}': initial copy stopped after {}; the next start copies again", config.name, progress.summary());
                return false;
            } catch (SQLException | RuntimeException e) {
                if (engine.cancelled()) {
                    LOG.info("stream '{}': initial copy stopped after {} ({}); the next start copies again", config.name,
                            progress.summary(), e.getMessage());
                    return false;
                }
                CutoverException failed = new CutoverException(Phase.PREFLIGHT, "stream '" + config.name
                        + "': the initial copy failed after " + progress.summary() + ": " + e.getMessage()
                        + "; the next start discards what it copied and copies again", e);
                failure.set(failed);
                state.set(State.FAILED);
                LOG.error(failed.getMessage(), e);
                applied.wakeFenceWaiters();
                return false;
            }
        }

        private OffsetTable.Stored stored(InitialLoad.Start start) {
            return start.offset() == null ? CopyMarker.DONE
                    : new OffsetTable.Stored(new OffsetCodec(engineName).key(start.partition()),
                            new OffsetCodec(engineName).value(start.offset()), 0L);
        }

        @Override
        public String stream() {
            return config.name;
        }

        @Override
        public javax.sql.DataSource source() {
            return config.source;
        }

        @Override
        public javax.sql.DataSource target() {
            return config.target;
        }

        @Override
        public io.cutover.RowTransform transform(String sourceTable) {
            return config.transform(sourceTable);
        }

        @Override
        public boolean cancelled() {
            return engine.cancelled() || Thread.currentThread().isInterrupted();
        }

        @Override
        public void copied(String table, long rows) {
            progress.add(table, rows);
        }

        @Override
        public void positionFixed(InitialLoad.Start start) {
            java.util.Objects.requireNonNull(start, "start");
            if (early != null) {
                throw new IllegalStateException("stream '" + config.name + "': the copy fixed its start twice");
            }
            early = start;
            if (start.offset() != null) {
                OffsetTable.Stored at = stored(start);
                TargetOffsetStore.register(token, at.key(), at.value());
            }
            Thread t = engine.newThread();
            t.setDaemon(true);
            if (engine.launch(t)) {
                LOG.info("stream '{}': engine starting while the copy runs; its changes wait for the copy", config.name);
            }
            // else stopped meanwhile: the copy sees it cancelled and ends
        }
    }

    // Reads the stored offset from the target and registers it for the engine's offset store; with
    // a bulk initial copy and nothing stored, records on the target that the copy starts.
    private Prepared prepare(String token, String engineName) {
        try (Connection source = config.source.getConnection()) {
            FenceTable.create(source, config.fenceTable);
        } catch (SQLException e) {
            state.set(State.FAILED);
            throw new PreflightException("stream '" + config.name + "': cannot create fence table " + config.fenceTable
                    + " on the source: " + e.getMessage(), e);
        }
        try (Connection target = config.target.getConnection()) {
            OffsetTable.create(target);
            Optional<OffsetTable.Stored> stored = OffsetTable.read(target, config.name);
            CopyNeeded copy = CopyNeeded.NONE;
            if (config.initialLoad != null && (stored.isEmpty() || CopyMarker.isStarted(stored.get()))) {
                copy = stored.isEmpty() ? CopyNeeded.FRESH : CopyNeeded.REDO;
                target.setAutoCommit(true);
                new OffsetTable(config.dialect).write(target, config.name, CopyMarker.STARTED, config.clock.millis());
            } else if (stored.isPresent() && !CopyMarker.isMarker(stored.get())) {
                TargetOffsetStore.register(token, stored.get().key(), stored.get().value());
            }
            long fence = stored.map(OffsetTable.Stored::fenceId).orElse(0L);
            applied.startFrom(fence);
            LOG.info("stream '{}' starting {}", config.name, copy != CopyNeeded.NONE ? "with a bulk initial copy"
                    : stored.isEmpty() ? "with no stored offset"
                    : CopyMarker.isMarker(stored.get()) ? "where its initial copy ended" : "from its stored offset");
            return new Prepared(fence, copy);
        } catch (SQLException e) {
            state.set(State.FAILED);
            throw new PreflightException("stream '" + config.name + "': cannot read offsets on the target: " + e.getMessage(), e);
        }
    }

    private void awaitStarted(EngineRun engine) {
        boolean ok;
        try {
            ok = engine.awaitStarted(config.startTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new CutoverException(Phase.PREFLIGHT, "interrupted while starting stream '" + config.name + "'", e);
        }
        Throwable t = failure.get();
        if (t != null) {
            stopEngine();
            state.set(State.FAILED);
            throw new PreflightException("stream '" + config.name + "' could not start: " + t.getMessage(), t);
        }
        if (!ok) {
            stop();
            state.set(State.FAILED);
            throw new PreflightException(java.util.List.of("stream '" + config.name + "' did not start streaming within "
                    + config.startTimeout.toMillis() + " ms; check the source's logs and the connector settings"));
        }
        state.compareAndSet(State.STARTING, State.STREAMING);
    }

    @Override
    public void stop() {
        State s = state.get();
        if (s == State.CLOSED || s == State.NEW) {
            return;
        }
        if (s == State.STOPPED) {
            return;
        }
        state.set(State.STOPPED);
        stopEngine();
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
                    LOG.warn("stream '{}': initial copy did not stop within 30 s of being asked", config.name);
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
                LOG.warn("stream '{}': initial copy did not stop within 30 s of being asked", config.name);
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
        return state.get();
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
        State s = state.get();
        if (s != State.STREAMING && s != State.COPYING) {
            throw new CutoverException(Phase.CATCH_UP, "stream '" + config.name + "' is " + s + ", not STREAMING; cannot write a fence");
        }
        long start = System.nanoTime();
        long id = applied.nextFenceId();
        fences.write(id);
        long deadline = start + timeout.toNanos();
        applied.awaitApplied(id, start, deadline);
        return new Fence(id, applied.appliedPosition(), Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
        State s = state.getAndSet(State.CLOSED);
        if (s == State.CLOSED) {
            return;
        }
        stopEngine();
        fences.close();
        try (Connection target = config.target.getConnection()) {
            OffsetTable.delete(target, config.name);
        } catch (SQLException e) {
            LOG.warn("stream '{}': could not delete its offset row on the target: {}", config.name, e.getMessage());
        }
        try {
            config.onClose.run();
        } catch (RuntimeException e) {
            LOG.warn("stream '{}': cleanup failed: {}", config.name, e.getMessage(), e);
        }
        applied.wakeFenceWaiters();
    }

    @Override
    public String toString() {
        return "stream '" + config.name + "' (" + state.get() + ")";
    }
}
