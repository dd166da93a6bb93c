package io.cutover.internal;

import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.Position;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.spi.KeyHandoff;
import io.cutover.spi.WriteGuard;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a cutover's own code once per process, before the first real pause, over a link and a
 * write site that do nothing: no connection, no server, no listener, no log line.
 *
 * <p>Why: the first time the JVM runs a lambda or method reference it links it (spins a class,
 * and the first of each shape builds method-handle forms), 0.5–3 ms each on a busy 2-core
 * machine. A first pause linked ~20 of them in the orchestrator alone (class-loading log of
 * the first PostgreSQL flip at 500 tx/s: 14 {@code SteppedCutover$Run$$Lambda} classes and 30
 * {@code LambdaForm} classes spun inside the pause). Linked once, they stay linked for every
 * later cutover in the process. Thread-safe; at most one run per process.
 */
final class PausePathWarmUp {
    private static final Logger log = LoggerFactory.getLogger(PausePathWarmUp.class);
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private PausePathWarmUp() {
    }

    /**
     * Runs the dry cutover unless one ran already in this process.
     *
     * @param executor the executor the real cutover's paused steps run on
     * @return whether it ran now
     */
    static boolean once(Executor executor) {
        if (!DONE.compareAndSet(false, true)) {
            return false;
        }
        long started = System.nanoTime();
        try {
            SteppedCutover.dryRun(new SteppedCutover.Settings("pause-path warm-up", null, new DryLink(Side.BLUE),
                    // Short budgets: on an executor too busy to run its steps, the dry run gives up soon.
                    Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(1), Lag.NONE, true, true, false,
                    Clock.systemUTC(), executor, List.of(), null, null), new DrySite());
        } catch (RuntimeException e) {
            // Only the warm-up is lost: the real cutover links its code itself, inside its pause.
            log.debug("the dry cutover that warms up the pause path failed: {}", e.toString());
        }
        log.debug("pause path warmed up by a dry cutover in {} µs", (System.nanoTime() - started) / 1000);
        return true;
    }

    /** Writes that go nowhere. */
    private static final class DrySite implements WriteSite {
        private volatile Side current = Side.BLUE;

        @Override
        public void pause(Duration drainBudget) {
        }

        @Override
        public void flipTo(Side side) {
            current = side;
        }

        @Override
        public void resume() {
        }

        @Override
        public Side current() {
            return current;
        }
    }

    /** A link whose stream fences at once and whose guards and hand-off do nothing. */
    private static final class DryLink implements ReplicationLink {
        private final Side source;
        private final DryStream stream = new DryStream();

        DryLink(Side source) {
            this.source = source;
        }

        @Override
        public Side source() {
            return source;
        }

        @Override
        public ReplicationStream stream() {
            return stream;
        }

        @Override
        public void preflight() {
        }

        @Override
        public WriteGuard sourceGuard() {
            return WriteGuard.NONE;
        }

        @Override
        public WriteGuard targetGuard() {
            return WriteGuard.NONE;
        }

        @Override
        public KeyHandoff keyHandoff() {
            return KeyHandoff.NONE;
        }

        @Override
        public ReplicationLink prepareReverse() {
            return new DryLink(source.other());
        }

        @Override
        public void close() {
        }
    }

    /** A stream that is always streaming, never lags, and applies every fence at once. */
    private static final class DryStream implements ReplicationStream {
        @Override
        public String name() {
            return "pause-path warm-up";
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
            return Lag.NONE;
        }

        @Override
        public Position appliedPosition() {
            return Position.NONE;
        }

        @Override
        public Fence awaitFence(Duration timeout) {
            return new Fence(0, Position.NONE, Duration.ZERO);
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
