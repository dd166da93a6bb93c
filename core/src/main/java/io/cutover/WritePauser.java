package io.cutover;

import io.cutover.internal.SemaphoreWritePauser;
import java.time.Duration;
import java.util.Objects;

/**
 * A gate in front of the application's writes. Every write path takes a {@link Lease} with
 * {@link #enter()} and closes it when done; {@link #pause(Duration)} stops new leases and waits
 * for those in flight to close, so that once it returns no write is running and none can start
 * until {@link #resume()}.
 *
 * <p>Leases are not tied to threads: a lease taken on one thread may be closed on another.
 * Writers that call {@code enter()} during a pause wait up to {@link Builder#maxWaitWhilePaused}
 * and then fail with {@link WritesPausedException}; nothing ever blocks forever.
 *
 * <p>The {@link ConnectionSwitcher} takes a lease for every connection it hands out. Application
 * code that writes through other paths (a message consumer with its own pool, say) can use the
 * same pauser directly:
 * <pre>{@code
 * try (WritePauser.Lease lease = pauser.enter()) {
 *     writeSomewhereElse();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface WritePauser {

    /**
     * Creates a pauser with default settings (writers wait at most 10 seconds during a pause).
     *
     * @return a new pauser, not paused
     */
    static WritePauser create() {
        return builder().build();
    }

    /**
     * Starts building a pauser.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Takes a write lease, waiting while writes are paused.
     *
     * @return the lease; close it when the write is done
     * @throws WritesPausedException if writes stay paused past the writer's bound
     * @throws CutoverException if the calling thread is interrupted while waiting (the interrupt
     *     flag is restored)
     */
    Lease enter();

    /**
     * Stops new leases and waits for the ones in flight to close.
     *
     * @param drainBudget how long to wait for leases in flight; positive
     * @throws DrainTimeoutException if leases are still open at the deadline; writes have then
     *     been resumed, as if pause had never been called
     * @throws IllegalStateException if writes are already paused
     */
    void pause(Duration drainBudget);

    /**
     * Like {@link #pause(Duration)} but reports a drain timeout as {@code false}.
     *
     * @param drainBudget how long to wait for leases in flight; positive
     * @return true when writes are now paused with nothing in flight; false when the drain timed
     *     out and writes were resumed
     * @throws IllegalStateException if writes are already paused
     */
    boolean tryPause(Duration drainBudget);

    /**
     * Lets writes go on. Writers waiting in {@link #enter()} proceed.
     *
     * @throws IllegalStateException if writes are not paused
     */
    void resume();

    /**
     * Tells whether writes are paused (or a pause is draining).
     *
     * @return true between a successful {@code pause} and {@code resume}, and during the drain
     */
    boolean isPaused();

    /**
     * Returns how many leases are open right now.
     *
     * @return the count of leases taken and not yet closed
     */
    int inFlight();

    /**
     * A permission to write. Closing it is idempotent and may happen on any thread.
     */
    interface Lease extends AutoCloseable {
        /** Gives the lease back. Calling it again does nothing. */
        @Override
        void close();
    }

    /**
     * Builds a {@link WritePauser}. Not thread-safe; the built pauser is.
     */
    final class Builder {
        private Duration maxWaitWhilePaused = Duration.ofSeconds(10);
        private String name = "cutover";

        Builder() {
        }

        /**
         * How long a writer waits in {@link WritePauser#enter()} while writes are paused before it
         * fails with {@link WritesPausedException}. Default 10 seconds.
         *
         * @param maxWait positive duration
         * @return this builder
         * @throws NullPointerException if maxWait is null
         * @throws IllegalArgumentException if maxWait is zero or negative
         */
        public Builder maxWaitWhilePaused(Duration maxWait) {
            Objects.requireNonNull(maxWait, "maxWaitWhilePaused");
            if (maxWait.isZero() || maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWaitWhilePaused must be positive, was " + maxWait);
            }
            this.maxWaitWhilePaused = maxWait;
            return this;
        }

        /**
         * A name used in messages, usually the cutover's. Default "cutover".
         *
         * @param name a non-blank name
         * @return this builder
         * @throws NullPointerException if name is null
         * @throws IllegalArgumentException if name is blank
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Builds the pauser.
         *
         * @return a new pauser, not paused
         */
        public WritePauser build() {
            return new SemaphoreWritePauser(name, maxWaitWhilePaused);
        }
    }
}
