package io.cutover.spring;

import io.cutover.CopyStatus;
import io.cutover.FinishReport;
import io.cutover.LastError;
import io.cutover.StreamStatus;

/**
 * What the {@code cutover} endpoint's {@code GET} shows: where writes go, how the stream to the
 * other side is doing, and how the last cutover or rollback went. Holds no URL, user or password;
 * the last error's message is the one the library keeps, with credentials redacted.
 *
 * @param name the cutover's name ({@code cutover.name})
 * @param dialect postgres or mysql
 * @param liveSide the side writes go to now, "blue" or "green"
 * @param running whether the starter's stream is running (started and not stopped)
 * @param stream the running stream's name, or null before it started
 * @param direction the stream's direction, "blue -> green" or "green -> blue", or null before it started
 * @param state the stream's state ({@code io.cutover.ReplicationStream.State}), or "NEW" before it started
 * @param lag how far the stream's target is behind its source
 * @param appliedPosition the last source position committed on the target, or null before it started
 * @param appliedTotal row changes applied since the stream started, or null when the stream does not count
 * @param appliedPerSecond the recent rate of applied changes, or null when unknown
 * @param copy the initial copy's progress while it runs, or null
 * @param lastError the last error the stream met (it may have recovered since), or null
 * @param lastCutover the report of the last cutover or rollback, or null if none ran
 * @param lastVerify the last verification's result, or null if none ran
 * @param finish what finishing the migration removed and left in place, or null until it is finished
 * @param recovery the stream's recovery while it is RECOVERING, or null
 * @param fleet this instance in its fleet ({@code cutover.fleet.*}), or null when the switcher is not a member
 */
public record CutoverStatus(String name, String dialect, String liveSide, boolean running, String stream,
        String direction, String state, Lag lag, String appliedPosition, Long appliedTotal, Double appliedPerSecond,
        Copy copy, Error lastError, CutoverReport lastCutover, CutoverVerification lastVerify,
        FinishReport finish, Recovery recovery, Fleet fleet) {

    /**
     * A recovering stream's recovery.
     *
     * @param lost what the stream lost, "blue" or "green"
     * @param attempts the attempts to resume so far
     * @param lastError the last error, credentials redacted
     * @param since when it lost it, ISO-8601
     * @param nextAttemptAt when the next attempt is due, ISO-8601
     * @param givesUpAt when the stream fails for good if it has not resumed, ISO-8601
     */
    public record Recovery(String lost, int attempts, Error lastError, String since, String nextAttemptAt,
            String givesUpAt) {

        static Recovery of(StreamStatus.Recovering r) {
            return r == null ? null : new Recovery(r.lost(), r.attempts(), Error.of(r.lastError()), r.since().toString(),
                    r.nextAttemptAt().toString(), r.givesUpAt().toString());
        }
    }

    /**
     * This instance as a member of its fleet.
     *
     * @param name the fleet's name
     * @param member this instance's id in it
     * @param behind whether the fleet's live side differs from this instance's, which then refuses
     *     new connections until it has moved (it moves by itself)
     */
    public record Fleet(String name, String member, boolean behind) {

        static Fleet of(io.cutover.FleetMember m) {
            return new Fleet(m.fleet(), m.id(), m.behind());
        }
    }

    /**
     * A stream's lag, in plain numbers.
     *
     * @param events changes captured and not yet applied
     * @param behindMillis age of the oldest of them, in milliseconds
     */
    public record Lag(long events, long behindMillis) {

        /** No lag: a stream that has not started. */
        static final Lag NONE = new Lag(0, 0);

        static Lag of(io.cutover.Lag lag) {
            return new Lag(lag.events(), lag.behind().toMillis());
        }
    }

    /**
     * The initial copy's progress.
     *
     * @param tablesDone tables copied
     * @param tablesTotal tables to copy, or -1 if not known yet
     * @param rowsCopied rows copied so far
     * @param rowsEstimated the database's estimate of the rows to copy, or -1 if it gave none
     */
    public record Copy(int tablesDone, int tablesTotal, long rowsCopied, long rowsEstimated) {

        static Copy of(CopyStatus c) {
            return c == null ? null : new Copy(c.tablesDone(), c.tablesTotal(), c.rowsCopied(), c.rowsEstimated());
        }
    }

    /**
     * The last error a stream met.
     *
     * @param type the exception's class name
     * @param message its message, credentials redacted
     * @param at when it happened, ISO-8601
     */
    public record Error(String type, String message, String at) {

        static Error of(LastError e) {
            return e == null ? null : new Error(e.type(), e.message(), e.at().toString());
        }
    }

    /**
     * Builds the stream's part of a status from its snapshot.
     *
     * @param s the snapshot
     * @return the values, with unknown counts and rates as null
     */
    static StreamPart streamPart(StreamStatus s) {
        Long total = s.appliedTotal() == StreamStatus.UNKNOWN ? null : s.appliedTotal();
        Double rate = Double.isNaN(s.appliedPerSecond()) || Double.isInfinite(s.appliedPerSecond()) ? null
                : Math.round(s.appliedPerSecond() * 10) / 10.0;
        return new StreamPart(s.name(), s.state().name(), Lag.of(s.lag()), s.appliedPosition().value(), total, rate,
                Copy.of(s.copy()), Error.of(s.lastError()), Recovery.of(s.recovery()));
    }

    /** The stream's values of a status, before the starter adds its own. */
    record StreamPart(String name, String state, Lag lag, String appliedPosition, Long appliedTotal,
            Double appliedPerSecond, Copy copy, Error lastError, Recovery recovery) {
    }
}
