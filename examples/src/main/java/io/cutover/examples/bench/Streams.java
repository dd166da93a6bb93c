package io.cutover.examples.bench;

import io.cutover.ReplicationStream;
import io.cutover.ReplicationStream.State;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/** Waits on a Cutover stream's state. */
final class Streams {
    private Streams() {
    }

    /** Waits until the stream copies or streams, so that a fence can be written. */
    static void awaitRunning(ReplicationStream stream, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            State s = stream.state();
            if (s == State.COPYING || s == State.STREAMING) {
                return;
            }
            if (s == State.FAILED) {
                throw new IllegalStateException("stream " + stream.name() + " failed", stream.failure().orElse(null));
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("stream " + stream.name() + " still " + s + " after " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Stops the link's stream, then lifts its guard on the target, then closes it. Stopping first:
     * lifting the guard drops triggers table by table while the stream's apply transaction may hold
     * some of the same tables, and PostgreSQL then reports a deadlock. A guard that cannot be lifted
     * is logged, not thrown, so the measurements taken so far are still printed.
     */
    static void release(io.cutover.ReplicationLink link) {
        try {
            link.stream().stop();
            link.targetGuard().release();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Streams.class).warn("link {}: could not lift the guard: {}",
                    link.stream().name(), e.getMessage());
        } finally {
            link.close();
        }
    }
}
