package io.cutover.spi;

import java.util.List;

/**
 * Makes one database refuse writes from everyone (other services, cron jobs, a person with psql),
 * not just from this JVM, so that "writes are paused" is true for the database. Only the
 * replication stream that must write there (the reverse stream after a flip) gets through.
 *
 * <p>Implementations are idempotent: engaging an engaged guard and releasing a released one do
 * nothing. Thread-safe.
 */
public interface WriteGuard {

    /** A guard that does nothing, for databases that need none or tests. */
    WriteGuard NONE = new WriteGuard() {
        @Override
        public void engage() {
        }

        @Override
        public void release() {
        }

        @Override
        public boolean engaged() {
            return false;
        }

        @Override
        public String toString() {
            return "no guard";
        }
    };

    /**
     * Prepares, while writes still flow, what {@link #engage()} needs, so that engaging inside the
     * write pause is quick (for example, objects whose creation waits for table locks). Does not
     * engage the guard, and leaves an engaged guard engaged. A cutover calls it in
     * {@link io.cutover.Phase#PREFLIGHT}; what could not be prepared is done by {@link #engage()}.
     * The default prepares nothing.
     *
     * @return lines for the cutover's checks: what was prepared, or what was left to {@link #engage()}
     * @throws io.cutover.CutoverException if the database cannot be reached
     */
    default List<String> prepare() {
        return List.of();
    }

    /**
     * Removes what {@link #prepare()} left in place, when the cutover that prepared the guard ends
     * without engaging it: refused in {@link io.cutover.Phase#PREFLIGHT} after preparing, or aborted
     * before {@link #engage()} succeeded (an engage that failed has lifted the guard already; this
     * removes what is left). A cutover never calls it for an engaged guard: that one is
     * {@linkplain #release() released}. Leaves an engaged guard engaged, so it is safe whoever
     * engaged it. Idempotent, and a later {@link #prepare()} prepares again. Must not fail the
     * refusal or abort that calls it: what cannot be removed is logged (with how to remove it by
     * hand) and left, for the guard's cleanup at {@code finish()}. The default does nothing.
     */
    default void discardPrepared() {
    }

    /**
     * Makes the database refuse writes from everyone but the replication stream.
     *
     * @throws io.cutover.CutoverException (phase GUARD) if the guard cannot be put in place;
     *     nothing is left half-engaged
     */
    void engage();

    /**
     * Lets writes through again.
     *
     * @throws io.cutover.CutoverException if the guard cannot be lifted
     */
    void release();

    /**
     * Tells whether the guard is engaged.
     *
     * @return true between {@link #engage()} and {@link #release()}
     */
    boolean engaged();
}
