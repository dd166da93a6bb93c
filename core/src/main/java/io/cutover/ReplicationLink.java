package io.cutover;

import io.cutover.spi.KeyHandoff;
import io.cutover.spi.WriteGuard;

import io.cutover.ReplicationStream;
import io.cutover.Side;

/**
 * Everything a cutover needs about one direction of replication, source to target: the stream,
 * the guards on both ends, the key hand-off, the checks, and how to set up the opposite
 * direction. Dialect modules implement it; {@code PostgresCutover} and {@code MySqlCutover} build
 * it; {@link io.cutover.Cutover} drives it.
 *
 * <p>Closing the link closes its stream and releases server-side resources it created (slots,
 * publications, control tables' rows). It does not release an engaged guard: a guard outlives
 * the link that set it, so that the old side stays protected after a cutover. Thread-safe.
 */
public interface ReplicationLink extends AutoCloseable {

    /**
     * Returns the side changes come from.
     *
     * @return the source side
     */
    Side source();

    /**
     * Returns the side changes go to.
     *
     * @return the target side, {@code source().other()}
     */
    default Side target() {
        return source().other();
    }

    /**
     * Returns the stream carrying changes from source to target.
     *
     * @return the stream, never null
     */
    ReplicationStream stream();

    /**
     * Checks, without changing anything, that a cutover over this link can succeed: the target
     * is reachable and writable, capture on the target is possible for the reverse direction,
     * privileges are in place.
     *
     * @throws io.cutover.PreflightException listing every problem found, each with its fix
     */
    void preflight();

    /**
     * Returns what the link checked or accepted that the cutover's report should record, one line
     * each: for example a reverse transform accepted as lossy, with the columns it loses. Called
     * after a successful {@link #preflight()}.
     *
     * @return report lines; empty by default
     */
    default java.util.List<String> checks() {
        return java.util.List.of();
    }

    /**
     * Compares the source's tables, through the stream's transforms, with the target's, while
     * writes go on, with {@link VerifyOptions#defaults()}. See {@link #verify(VerifyOptions)}.
     *
     * @return what was found
     * @throws UnsupportedOperationException if this link cannot verify
     * @throws CutoverException if a table cannot be read or a fence fails
     */
    default VerifyReport verify() {
        return verify(VerifyOptions.defaults());
    }

    /**
     * Compares the source's tables, through the stream's transforms, with the target's, while
     * writes go on: chunk by primary-key range, and a row that differs is read again after a
     * fence on this link's stream (which must be streaming), so only differences that persist are
     * reported. See {@link Verifier}. Blocks until done; safe to call from any thread.
     *
     * @param options chunk size, keys reported, re-checks, fence timeout
     * @return what was found
     * @throws UnsupportedOperationException if this link cannot verify (the default)
     * @throws CutoverException if a table cannot be read or a fence fails
     */
    default VerifyReport verify(VerifyOptions options) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot verify; build the link with"
                + " PostgresCutover or MySqlCutover, or compare with Verifier.builder() over your own DataSources");
    }

    /**
     * Returns the guard that makes the source refuse writes during and after the cutover.
     *
     * @return the guard; {@link WriteGuard#NONE} when the dialect has none
     */
    WriteGuard sourceGuard();

    /**
     * Returns the guard on the target, released just before the flip so the application can
     * write there. On a first cutover the target usually has none engaged.
     *
     * @return the guard; {@link WriteGuard#NONE} when the dialect has none
     */
    WriteGuard targetGuard();

    /**
     * Returns the hand-off of sequences / AUTO_INCREMENT counters from source to target. A
     * cutover asks once, calls {@link KeyHandoff#prepare()} at the end of preflight and
     * {@link KeyHandoff#handOff()} inside the pause on the same instance, which may keep what
     * the first learned (which columns own counters).
     *
     * @return the hand-off; {@link KeyHandoff#NONE} when there is nothing to move
     */
    KeyHandoff keyHandoff();

    /**
     * Sets up the opposite direction (target to source) positioned at the target's current
     * point, so that every write on the target after this call is captured. Called while writes
     * are paused, before the flip. The returned link's stream is not started.
     *
     * @return the reverse link
     * @throws io.cutover.CutoverException (phase REVERSE) if capture on the target cannot be set up
     */
    ReplicationLink prepareReverse();

    /**
     * Does, before the write pause, the part of {@link #prepareReverse()} that does not need
     * writes stopped, so that the call inside the pause only records where the reverse stream
     * starts (PostgreSQL: creates the reverse slot on the target now; the reverse stream later
     * starts past every change committed before the pause). A cutover calls it once, at the end
     * of preflight; if it then does not reach {@link #prepareReverse()} (a failed preflight, an
     * abort) it calls {@link #discardReverse()}. {@link #prepareReverse()} stays correct whether
     * or not this ran. The default does nothing.
     *
     * @return report lines, one per thing prepared; empty by default
     * @throws io.cutover.CutoverException (phase PREFLIGHT) if the target refuses
     */
    default java.util.List<String> prepareReverseBeforePause() {
        return java.util.List.of();
    }

    /**
     * Runs, before the write pause and without changing anything the application or another
     * session can see, the statements and code paths the pause will run on this link's warm
     * connections (reads only: the target's log position, each side's guard state), so that the
     * first cutover of a process pays no first-use cost (class loading, a server's first plan of
     * a statement, a helper thread's start) while writes wait. A cutover calls it at the end of
     * preflight, after {@link #keyHandoff()}'s {@link KeyHandoff#prepare() prepare}; it leaves
     * nothing behind, so an abort or a refusal after it has nothing to undo. The default does
     * nothing.
     *
     * @return report lines, one per thing warmed, with its time; empty by default
     * @throws io.cutover.PreflightException if a side cannot be reached; the message names it
     */
    default java.util.List<String> warmUp() {
        return java.util.List.of();
    }

    /**
     * Removes what {@link #prepareReverseBeforePause()} created when no reverse link will be
     * made from it (PostgreSQL: drops the pre-created reverse slot, which would otherwise retain
     * the target's WAL). Idempotent; safe when nothing was prepared. The default does nothing.
     */
    default void discardReverse() {
    }

    /**
     * Ends the migration this link belongs to: closes this link's stream and removes everything the
     * library created for it on <em>both</em> servers, in both directions: replication slots and
     * publications, the write guard on the side the link reads from, the capture host's control
     * tables (once no other migration's rows are in them) and local state such as schema history
     * files. Sequences and AUTO_INCREMENT counters keep the values the hand-off gave them.
     *
     * <p>Call it on the link the application's writes now flow from: after a cutover that is
     * {@code cutover.reverseLink()}, once the application has run on the new side long enough that
     * no rollback will be needed. The side the link writes to (the old side) keeps its write guard
     * unless {@link FinishOptions#makeOldSideWritable()}: the data no longer lives there. Called on
     * a forward link before any cutover it abandons the migration: everything is removed and the
     * source, where the data still lives, stays writable.
     *
     * <p>Idempotent: a second call removes nothing and returns a report that
     * {@link FinishReport#isEmpty() is empty}. Never logs a password. The default throws
     * {@link UnsupportedOperationException}: a link that cannot finish says so.
     *
     * @param options whether the old side is made writable, how long each removal may wait
     * @return what was removed from each server and what was left in place on purpose
     * @throws NullPointerException if {@code options} is null
     * @throws IllegalStateException if another link of the same migration is still open (the
     *     reverse link of a cutover when this is the forward one, or the reverse a running cutover
     *     has prepared): its stream is still needed, so the message names it and says which link to
     *     finish instead; nothing was removed. Do not call finish while a cutover over this link runs.
     * @throws FinishIncompleteException if a server could not be reached or refused a removal;
     *     everything else was removed, and the exception lists what remains with the SQL that
     *     removes it by hand
     * @throws UnsupportedOperationException if the link's dialect cannot finish
     */
    default FinishReport finish(FinishOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        throw new UnsupportedOperationException(this + " cannot finish a migration; remove its objects by hand");
    }

    /**
     * Ends the migration with {@link FinishOptions#defaults()}: the old side stays guarded.
     *
     * @return what was removed from each server and what was left in place
     * @throws IllegalStateException if another link of the same migration is still open
     * @throws FinishIncompleteException if a removal failed; the rest was removed
     * @see #finish(FinishOptions)
     */
    default FinishReport finish() {
        return finish(FinishOptions.defaults());
    }

    /**
     * Closes the stream and releases what this link created on the servers. Idempotent.
     */
    @Override
    void close();
}
