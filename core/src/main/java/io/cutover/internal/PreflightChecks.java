package io.cutover.internal;

import io.cutover.CatchUpTimeoutException;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What preflight refuses a cutover for before it changes anything: writes going elsewhere than
 * the link's source, a stream that is not streaming or lags too much, the link's own checks, and
 * a stream that cannot apply a fence while writes still flow.
 */
final class PreflightChecks {

    private PreflightChecks() {
    }

    /**
     * Refuses a cutover that cannot start, naming every problem at once.
     *
     * @return the stream's lag, sampled once
     * @throws PreflightException listing each problem and how to fix it
     */
    static Lag refuseUnready(String cutover, Side writesGoTo, ReplicationLink link, Lag maxLagToStart, Listeners listeners) {
        List<String> problems = new ArrayList<>();
        Side from = link.source();
        if (writesGoTo != from) {
            problems.add("link replicates " + from + " -> " + link.target() + " but writes go to " + writesGoTo
                    + "; build the cutover with the link whose source is " + writesGoTo);
        }
        ReplicationStream stream = link.stream();
        ReplicationStream.State streamState = stream.state();
        if (streamState == ReplicationStream.State.RECOVERING) {
            problems.add("stream '" + stream.name() + "' is RECOVERING"
                    + stream.recovery().map(r -> " (" + r.describe() + ")").orElse("")
                    + "; a cutover needs it STREAMING: it retries by itself, try again once it streams");
        } else if (streamState == ReplicationStream.State.STREAMING
                && stream.status().state() == ReplicationStream.State.RECOVERING) {
            // The connector lost its source and reconnects inside itself (a binlog client does): a fence would wait for it.
            problems.add("stream '" + stream.name() + "' lost its source and is reconnecting (status RECOVERING, lag "
                    + stream.lag() + "); a cutover needs it reading: try again once status() shows it STREAMING");
        } else if (streamState != ReplicationStream.State.STREAMING) {
            problems.add("stream '" + stream.name() + "' is " + streamState
                    + stream.failure().map(f -> " (" + f + ")").orElse("")
                    + "; a cutover needs it STREAMING: start it and wait for the initial copy to finish");
        }
        Lag lag = stream.lag();
        listeners.lagSampled(lag);
        if (!lag.within(maxLagToStart)) {
            problems.add("stream '" + stream.name() + "' lags " + lag + ", above maxLagToStart "
                    + maxLagToStart + "; wait for it to catch up or raise maxLagToStart");
        }
        try {
            link.preflight();
        } catch (PreflightException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
        return lag;
    }

    /**
     * Drains the backlog while writes still flow, so the fence in the pause has little to wait for.
     *
     * @throws PreflightException if the stream does not apply a fence within the budget
     */
    static Fence fenceBeforePause(ReplicationStream stream, Duration catchUpBudget) {
        try {
            return stream.awaitFence(catchUpBudget);
        } catch (CatchUpTimeoutException e) {
            throw new PreflightException("stream '" + stream.name() + "' did not apply a fence within catchUpBudget "
                    + catchUpBudget.toMillis() + " ms while writes still flow (" + e.getMessage()
                    + "); it would not catch up inside the pause either: wait for it, raise catchUpBudget, or"
                    + " build the cutover with fenceBeforePause(false) to let a longer pause drain the backlog", e);
        }
    }
}
