package io.cutover.capture;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.ReplicationStream.State;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a streaming stream for a silent source: a connection that is open but carries nothing
 * (a server or a middlebox that stopped sending without closing it) raises no error, and without
 * this the stream would report {@code STREAMING} forever. While the stream is {@code STREAMING}
 * and not applying a batch, if neither a change nor a heartbeat has come from the source for the
 * stall bound (counted from the later of the last record and the moment the stream began
 * streaming), it logs why and hands the stream a transient error, which moves it to {@code
 * RECOVERING}: the recovery replaces the engine and resumes from the offsets stored on the target.
 *
 * <p>{@link #check()} looks once, at the injected clock's time; {@link #streamingBegan()} starts a
 * daemon thread that calls it every tenth of the bound (at most every second) until {@link
 * #close()}. Thread-safe.
 */
final class StallWatchdog implements AutoCloseable {

    // Logged under the stream's name, as the rest of the stream.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    /** What the watchdog reads of its stream, and how it restarts it. */
    interface Watched {

        /** @return the stream's state now */
        State state();

        /** @return when the source was last heard from (clock millis), 0 if never */
        long lastHeardMillis();

        /** @return whether a batch received is being applied now */
        boolean applying();

        /**
         * The source has been silent too long: recover with {@code why}.
         *
         * @param why a transient error, its message saying what was silent and for how long
         * @return whether the stream moved to {@code RECOVERING}
         */
        boolean stalled(Throwable why);
    }

    private final String name;
    private final String sourceLabel;
    private final String targetLabel;
    private final Duration bound;
    private final Clock clock;
    private final Watched stream;
    private final Object lock = new Object();
    private final Object checkLock = new Object();
    private volatile long streamingSince; // clock millis when the stream last became STREAMING; 0 before
    private ScheduledExecutorService ticker; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * Creates a watchdog; nothing runs until {@link #streamingBegan()}.
     *
     * @param name the stream's name
     * @param sourceLabel what messages call its source
     * @param targetLabel what messages call its target
     * @param bound how long the source may be silent
     * @param clock the clock the silence is measured by
     * @param stream the stream watched
     */
    StallWatchdog(String name, String sourceLabel, String targetLabel, Duration bound, Clock clock, Watched stream) {
        this.name = Objects.requireNonNull(name, "name");
        this.sourceLabel = Objects.requireNonNull(sourceLabel, "sourceLabel");
        this.targetLabel = Objects.requireNonNull(targetLabel, "targetLabel");
        this.bound = Objects.requireNonNull(bound, "bound");
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("stall bound must be positive, was " + bound);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** The stream moved to {@code STREAMING}: its silence counts from now, and the watch runs. */
    void streamingBegan() {
        streamingSince = clock.millis();
        synchronized (lock) {
            if (ticker != null || closed) {
                return;
            }
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cutover-stall-watch-" + name);
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(50, Math.min(1000, bound.toMillis() / 10));
            ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("stream '{}': the stall watch failed: {}", name, e.toString(), e);
        }
    }

    /**
     * Looks once: if the stream streams, applies nothing and has heard nothing from its source
     * for the bound, restarts it.
     *
     * @return whether this call moved the stream to {@code RECOVERING}
     */
    boolean check() {
        // One look at a time: the ticker and a caller looking at once would both report one stall.
        synchronized (checkLock) {
            return checkOnce();
        }
    }

    private boolean checkOnce() {
        long since = streamingSince;
        if (since == 0 || stream.state() != State.STREAMING || stream.applying()) {
            return false;
        }
        long now = clock.millis();
        long silent = now - Math.max(since, stream.lastHeardMillis());
        if (silent < bound.toMillis()) {
            return false;
        }
        String seconds = String.format(Locale.ROOT, "%.1f s", silent / 1000.0);
        String message = "stream '" + name + "' heard nothing from " + sourceLabel + " for " + seconds
                + " (no change, no heartbeat) while STREAMING, past its stallTimeout of "
                + String.format(Locale.ROOT, "%.1f s", bound.toMillis() / 1000.0) + ": taking the connection for stalled"
                + " and restarting the engine from the offsets stored on " + targetLabel;
        CutoverException why = new CutoverException(Phase.CATCH_UP, message,
                new TimeoutException("no change nor heartbeat from " + sourceLabel + " for " + seconds));
        boolean moved = stream.stalled(why);
        if (moved) {
            LOG.warn(message);
            streamingSince = 0; // counts again from the next STREAMING
        }
        return moved;
    }

    /** Stops the watch. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (ticker != null) {
                ticker.shutdownNow();
                ticker = null;
            }
        }
    }
}
