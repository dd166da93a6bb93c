package io.cutover.internal;

import io.cutover.CatchUpTimeoutException;
import io.cutover.Fence;
import io.cutover.PauseGate;
import io.cutover.PreflightException;
import io.cutover.ReplicationStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, before a pause, for a {@link PauseGate}: fences written one after the other until one
 * comes back within {@link PauseGate#caughtUpWithin()}. The time it may spend is counted from the
 * fences' own waits, so a stream whose fences time out or come back slowly uses it up, and one
 * whose fences come back at once passes at once. Stateless; runs on the cutover's thread.
 */
final class PauseGateWait {
    private static final Logger log = LoggerFactory.getLogger(PauseGateWait.class);

    private PauseGateWait() {
    }

    /**
     * Waits for the gate.
     *
     * @param cutover the cutover's name, for messages
     * @param stream the forward stream, STREAMING
     * @param gate the gate
     * @return what happened, for the result's checks
     * @throws PreflightException if no fence was quick enough within maxWait and the gate refuses on a miss
     * @throws io.cutover.CutoverException if the stream cannot take a fence (not streaming)
     */
    static String await(String cutover, ReplicationStream stream, PauseGate gate) {
        Duration spent = Duration.ZERO;
        Duration quickest = null;
        int fences = 0;
        while (spent.compareTo(gate.maxWait()) < 0) {
            Duration left = gate.maxWait().minus(spent);
            Fence fence;
            try {
                fence = stream.awaitFence(left);
            } catch (CatchUpTimeoutException e) {
                spent = gate.maxWait();
                break;
            }
            fences++;
            // A fence that reports no wait still took one attempt: the loop must end on a stream that says 0.
            spent = spent.plus(fence.waited().isZero() ? Duration.ofNanos(1) : fence.waited());
            if (fence.waited().compareTo(gate.caughtUpWithin()) <= 0) {
                return "pause gate: fence " + fence.id() + " applied in " + millis(fence.waited()) + " ms (at most "
                        + gate.caughtUpWithin().toMillis() + " ms) after " + fences + " fence" + (fences == 1 ? "" : "s")
                        + " and " + millis(spent) + " ms";
            }
            quickest = quickest == null || fence.waited().compareTo(quickest) < 0 ? fence.waited() : quickest;
        }
        String miss = "stream '" + stream.name() + "' applied no fence within " + gate.caughtUpWithin().toMillis()
                + " ms of writing it in " + gate.maxWait().toMillis() + " ms of trying (" + fences + " applied"
                + (quickest == null ? "" : ", the quickest in " + millis(quickest) + " ms") + ", lag " + stream.lag() + ")";
        if (gate.refuseOnMiss()) {
            throw new PreflightException(java.util.List.of(miss + "; the pause would wait at least that long: try again"
                    + " when the load is lighter, or raise the gate's caughtUpWithin or maxWait"));
        }
        log.info("cutover '{}': {}; pausing anyway", cutover, miss);
        return "pause gate missed: " + miss + "; paused anyway";
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }
}
