package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Debezium engine of one run of a stream, from start to stop: builds it on the first
 * thread that needs it, launches it on a thread unless the run was cancelled first, runs it, and
 * closes it, ending a stalled one's capture connection. Two latches tell the run's progress:
 * {@linkplain #awaitStarted started} opens once the engine polls, or the run began copying, or it
 * ended; {@linkplain #awaitDone done} opens once the engine, or the run without one, ended.
 * Thread-safe: the build, the launch and the close may each come from a different thread.
 */
final class EngineRun {

    // Logged under the stream's name, as before the stream was split.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    /** What the engine tells the stream; called on the engine's thread. */
    interface Listener {

        /** The engine polls: its tasks started. Called before {@code started} opens. */
        void pollingStarted();

        /**
         * The engine ended unsuccessfully. Called before {@code done} opens.
         *
         * @param message the engine's message
         * @param error the engine's error, or null
         */
        void engineFailed(String message, Throwable error);

        /**
         * The engine could not be built (a bad setting). Called before {@code done} opens.
         *
         * @param e what the build threw
         */
        void buildFailed(RuntimeException e);

        /**
         * The engine has not stopped when it should have (see {@link EngineRun#close}); its thread
         * was interrupted. Called on a thread of its own, while the close waits on.
         */
        void stalled();
    }

    /**
     * The engine of one run, built by the first thread that needs it: building one loads much of
     * Debezium (0.4 s cold), which a run with a copy does on a thread of its own, beside the copy.
     */
    private static final class EngineRef {
        private final Supplier<DebeziumEngine<RecordChangeEvent<SourceRecord>>> build;
        private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine; // guarded by this

        EngineRef(Supplier<DebeziumEngine<RecordChangeEvent<SourceRecord>>> build) {
            this.build = build;
        }

        synchronized DebeziumEngine<RecordChangeEvent<SourceRecord>> get() {
            if (engine == null) {
                engine = build.get();
            }
            return engine;
        }

        void run() {
            get().run();
        }
    }

    /**
     * Whether the engine of one run was launched or the run was cancelled first (while its
     * initial copy ran): exactly one of the two happens.
     */
    private static final class Launch {
        private boolean cancelled; // guarded by this
        private Thread engine; // guarded by this; runs the engine once launched

        /** Launches the engine on {@code thread}, starting it unless it is the caller's. */
        synchronized boolean launch(Thread thread) {
            if (cancelled) {
                return false;
            }
            engine = thread;
            if (thread != Thread.currentThread()) {
                thread.start(); // under the lock: a cancel() that sees it launched sees it started
            }
            return true;
        }

        /** Cancels the run; returns whether the engine had been launched already. */
        synchronized boolean cancel() {
            cancelled = true;
            return engine != null;
        }

        synchronized boolean cancelled() {
            return cancelled;
        }

        synchronized Thread engine() {
            return engine;
        }
    }

    private final CaptureSpec config;
    private final Listener listener;
    private final EngineRef engine;
    private final Launch launch = new Launch();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicBoolean polling = new AtomicBoolean();

    /**
     * Prepares a run; nothing is built until {@link #build()}, {@link #buildAhead()} or {@link #run()}.
     *
     * @param config the stream's configuration
     * @param connector the connector settings of this start
     * @param engineName the engine's name
     * @param token the registration of the stream's stored offset
     * @param consumer the engine's batch consumer
     * @param listener told what the engine does
     */
    EngineRun(CaptureSpec config, java.util.Map<String, String> connector, String engineName, String token,
            DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer, Listener listener) {
        this.config = config;
        this.listener = listener;
        this.engine = new EngineRef(() -> DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(EngineProperties.of(connector, engineName, token))
                .using(new DebeziumEngine.ConnectorCallback() {
                    // Polling, not just a started task: the engine refuses to stop while tasks start.
                    @Override
                    public void pollingStarted() {
                        polling.set(true);
                        listener.pollingStarted();
                        started.countDown();
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        listener.engineFailed(message, error);
                    }
                    done.countDown();
                    started.countDown();
                })
                .notifying(consumer)
                .build());
    }

    /**
     * Builds the engine on the caller's thread, if no one did.
     *
     * @throws RuntimeException if a setting is bad
     */
    void build() {
        engine.get();
    }

    /**
     * Builds the engine on a thread of its own, beside the copy's set-up, so an engine launched
     * early only has to run; a failed build is reported by whichever thread runs the engine.
     */
    void buildAhead() {
        Thread build = new Thread(() -> {
            try {
                engine.get();
            } catch (RuntimeException e) {
                LOG.debug("stream '{}': building the engine ahead of the copy failed: {}", config.name(), e.toString());
            }
        }, "cutover-engine-build-" + config.name());
        build.setDaemon(true);
        build.start();
    }

    /**
     * Returns a new, unstarted thread that {@linkplain #run() runs} the engine.
     *
     * @return the thread
     */
    Thread newThread() {
        return new Thread(this::run, "cutover-engine-" + config.name());
    }

    /** Builds (if no one did) and runs the engine; a build that fails fails the stream. */
    void run() {
        try {
            engine.get();
        } catch (RuntimeException e) {
            listener.buildFailed(e);
            ended();
            return;
        }
        engine.run();
    }

    /**
     * Launches the engine on {@code thread}, starting it unless it is the caller's.
     *
     * @param thread the thread to run the engine
     * @return false if the run was cancelled first
     */
    boolean launch(Thread thread) {
        return launch.launch(thread);
    }

    /**
     * Cancels the run.
     *
     * @return whether the engine had been launched already
     */
    boolean cancel() {
        return launch.cancel();
    }

    boolean cancelled() {
        return launch.cancelled();
    }

    /**
     * Returns the thread the engine was launched on.
     *
     * @return the thread, or null if not launched
     */
    Thread launchedOn() {
        return launch.engine();
    }

    boolean polling() {
        return polling.get();
    }

    /** Opens {@code started}: the run began (copying). */
    void markStarted() {
        started.countDown();
    }

    /** Opens both latches: the run ended without the engine running. */
    void ended() {
        done.countDown();
        started.countDown();
    }

    boolean awaitStarted(long millis) throws InterruptedException {
        return started.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** How long a closed engine's thread may take to end before it counts as stalled. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static Thread daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        return t;
    }

    // Asks Debezium to close until it accepts (a starting engine refuses until it polls); a failed
    // engine has shut itself down already. Runs on a thread of its own: Debezium's close() waits
    // for its tasks, and a task blocked on a frozen capture connection may never return.
    private void closeUntilAccepted(long deadline, CompletableFuture<Void> closed) {
        while (true) {
            try {
                engine.get().close();
                closed.complete(null);
                return;
            } catch (IOException | RuntimeException e) {
                if (done.getCount() == 0 || System.nanoTime() > deadline) {
                    LOG.debug("stream '{}': closing the engine: {}", config.name(), e.toString());
                    closed.complete(null);
                    return;
                }
                try {
                    done.await(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    closed.complete(null);
                    return;
                }
            }
        }
    }

    /**
     * Closes a launched engine and waits for its thread to end, at most {@code bound} in all. An
     * engine whose thread has not ended two seconds after its close returned, or whose close has
     * not returned by half the bound, is stalled: its thread is interrupted and the session ends
     * its capture connection, on a thread of its own (the session talks to the source, which may
     * be the path that froze). Past the bound the engine is abandoned; its run ignores its late
     * reports, and its thread ends when its connections time out.
     *
     * @param engineThread the thread running the engine, or null
     * @param bound the longest wait
     * @return whether the engine ended within the bound
     */
    boolean close(Thread engineThread, Duration bound) {
        long begin = System.nanoTime();
        long deadline = begin + bound.toNanos();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = daemon("cutover-close-" + config.name(), () -> closeUntilAccepted(deadline, closed));
        closer.start();
        try {
            try {
                closed.get(bound.toNanos() / 2, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not closed by half the bound: stalled
            }
            long stallAt = Math.min(deadline, closed.isDone() ? System.nanoTime() + STALL_NANOS : 0);
            if (done.await(Math.max(0, stallAt - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return true;
            }
            // Seen with Debezium 3.5 when closed right as polling begins: the tasks are gone but
            // the engine thread waits for their futures forever. Interrupting it ends the wait.
            LOG.warn("stream '{}': engine still stopping after {} ms; interrupting it and ending its capture connection",
                    config.name(), Duration.ofNanos(System.nanoTime() - begin).toMillis());
            if (engineThread != null) {
                engineThread.interrupt();
            }
            daemon("cutover-end-capture-" + config.name(), listener::stalled).start();
            if (done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return true;
            }
            LOG.warn("stream '{}': engine did not stop within {} ms (its source path may be frozen); abandoning it",
                    config.name(), bound.toMillis());
            closer.interrupt();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
