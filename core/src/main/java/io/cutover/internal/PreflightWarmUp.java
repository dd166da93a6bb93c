package io.cutover.internal;

import io.cutover.CatchUpTimeoutException;
import io.cutover.Fence;
import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of preflight: what makes a process's first cutover pause as briefly as its later
 * ones, done while writes still flow.
 *
 * <p>What was cold in a first cutover, measured at 500 tx/s: the stream, started a few seconds
 * earlier, still applied in small, slow batches, so the fence applied before the pause proved
 * only that the stream had reached the moment that fence was <em>written</em>; the 1–2 s of
 * writes made while it travelled were still queued, and the fence inside the pause waited for
 * them (MariaDB CATCH_UP 622–1,139 ms, PostgreSQL 147 ms). So when that fence took longer than
 * {@link #SETTLED}, this fences again until one comes back within it (at most
 * {@link #MAX_FENCES} fences, each within the catch-up budget, and no more once two in a row came
 * back no sooner than the best so far): each drains what built up during the one before, and the pause's fence finds a stream that is caught up and warm. At rest the
 * fence before the pause comes back within it and no fence is added. Besides that, the link
 * rehearses its pause statements ({@link ReplicationLink#warmUp()}), the executor that runs the
 * paused steps starts its thread now, and the first cutover of the process links its own code in
 * a dry run ({@link PausePathWarmUp}).
 *
 * <p>Nothing it does is visible to the application: fences are the stream's own row, the link's
 * rehearsal only reads. Not thread-safe: one run's thread.
 */
final class PreflightWarmUp {
    private static final Logger log = LoggerFactory.getLogger(PreflightWarmUp.class);

    /** A fence applied within this finds the stream caught up; no more fences are needed. */
    static final Duration SETTLED = Duration.ofMillis(20);

    /** The most fences the warm-up writes; each drains what the previous one's wait let build up. */
    static final int MAX_FENCES = 10;

    private final String cutover;
    private final ReplicationLink link;
    private final Executor executor;
    private final Duration catchUpBudget;

    /**
     * Creates the warm-up of one run.
     *
     * @param cutover the cutover's name, for messages
     * @param link the link the cutover runs over
     * @param executor the executor that will run the paused steps
     * @param catchUpBudget how long each of the warm-up's fences may take
     */
    PreflightWarmUp(String cutover, ReplicationLink link, Executor executor, Duration catchUpBudget) {
        this.cutover = Objects.requireNonNull(cutover, "cutover");
        this.link = Objects.requireNonNull(link, "link");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.catchUpBudget = Objects.requireNonNull(catchUpBudget, "catchUpBudget");
    }

    /**
     * Runs the warm-up.
     *
     * @param beforePause the fence preflight applied while writes flow, or null when the cutover
     *     does not fence before the pause (then no fence is added either)
     * @return report lines for the result's checks
     * @throws PreflightException if the link cannot reach a side, or the fences do not come back
     *     within the catch-up budget
     */
    List<String> run(Fence beforePause) {
        long started = System.nanoTime();
        List<String> lines = new ArrayList<>();
        if (PausePathWarmUp.once(executor)) {
            lines.add("pause path of this process warmed up by a dry cutover");
        }
        lines.addAll(link.warmUp());
        startStepThread();
        if (beforePause != null && beforePause.waited().compareTo(SETTLED) > 0) {
            lines.add(settle(link.stream(), beforePause.waited()));
        }
        long micros = (System.nanoTime() - started) / 1000;
        log.debug("cutover '{}': warm-up before the pause took {} µs: {}", cutover, micros, lines);
        lines.add("warm-up before the pause took " + micros / 1000 + " ms");
        return lines;
    }

    // The paused steps run on the executor: its thread (and the classes of the hand-over) start now.
    private void startStepThread() {
        try {
            CompletableFuture.supplyAsync(() -> Boolean.TRUE, executor).get(catchUpBudget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Only the warm-up is lost: the step inside the pause is bounded by the budget anyway.
            log.debug("cutover '{}': the step executor did not run a warm-up task: {}", cutover, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreflightException(List.of("cutover '" + cutover + "': interrupted while warming up before the pause"));
        }
    }

    private String settle(ReplicationStream stream, Duration first) {
        List<Long> waits = new ArrayList<>(List.of(first.toMillis()));
        Duration best = first;
        int stalled = 0;
        while (waits.size() < MAX_FENCES) {
            Fence fence;
            try {
                // Each as long as the pause's own fence may take: one past it would abort the pause anyway.
                fence = stream.awaitFence(catchUpBudget);
            } catch (CatchUpTimeoutException e) {
                throw notSettled(stream, waits, e);
            }
            waits.add(fence.waited().toMillis());
            if (fence.waited().compareTo(SETTLED) <= 0) {
                break;
            }
            // A cold stream drains unevenly (measured: 1670, 1217, 1359 ms, then faster); one that came
            // back no sooner than the best twice in a row has stopped draining: more would not help.
            if (fence.waited().compareTo(best) < 0) {
                best = fence.waited();
                stalled = 0;
            } else if (++stalled == 2) {
                break;
            }
        }
        return "stream '" + stream.name() + "' settled before the pause: fences applied in " + waits + " ms";
    }

    private PreflightException notSettled(ReplicationStream stream, List<Long> waits, CatchUpTimeoutException cause) {
        return new PreflightException("stream '" + stream.name() + "' did not settle before the pause: fences applied in "
                + waits + " ms, then one not within catchUpBudget " + catchUpBudget.toMillis() + " ms; it would"
                + " not catch up inside the pause either: wait for it, raise catchUpBudget, or build the cutover with"
                + " fenceBeforePause(false) to let a longer pause drain the backlog", cause);
    }
}
