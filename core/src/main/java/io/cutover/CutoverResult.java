package io.cutover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The report of one cutover run: what happened, how long each phase took, how long writes were
 * paused, and what was checked.
 *
 * @param name the cutover's name
 * @param from the side writes were on when it started
 * @param to the side it moved (or would have moved) to
 * @param outcome whether it flipped, rehearsed or aborted
 * @param startedAt when it started
 * @param phases every phase that ran, in order, with its duration
 * @param writePause from the start of the pause to writes resuming, on whichever side
 * @param fence the fence that proved the catch-up, or null if the run did not get that far
 * @param checks what was checked and moved, one line each (preflight, lag, sequences)
 * @param abortReason why the run aborted, or null
 */
public record CutoverResult(
        String name,
        Side from,
        Side to,
        Outcome outcome,
        Instant startedAt,
        List<PhaseTiming> phases,
        Duration writePause,
        Fence fence,
        List<String> checks,
        String abortReason) {

    /** How a run ended. */
    public enum Outcome {
        /** The switcher flipped; writes now go to {@code to}. */
        FLIPPED,
        /** Every step but the flip ran; writes resumed on {@code from}. */
        REHEARSED,
        /** Given up before the flip; writes resumed on {@code from}, nothing lost. */
        ABORTED
    }

    /**
     * Validates and copies.
     *
     * @param name see the record component
     * @param from see the record component
     * @param to see the record component
     * @param outcome see the record component
     * @param startedAt see the record component
     * @param phases see the record component
     * @param writePause see the record component
     * @param fence see the record component
     * @param checks see the record component
     * @param abortReason see the record component
     * @throws NullPointerException if a required field is null
     */
    public CutoverResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
        phases = List.copyOf(phases);
        Objects.requireNonNull(writePause, "writePause");
        checks = List.copyOf(checks);
    }

    /**
     * Returns how long a phase took, if it ran.
     *
     * @param phase the phase
     * @return its duration, or empty if it did not run
     */
    public Optional<Duration> duration(Phase phase) {
        return phases.stream().filter(p -> p.phase() == phase).map(PhaseTiming::duration).findFirst();
    }

    /**
     * Returns a table of the phases and the write pause, one line each, for logs and consoles.
     *
     * @return the table as text
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("cutover '%s' %s -> %s: %s%n", name, from, to, outcome));
        for (PhaseTiming p : phases) {
            sb.append(String.format("  %-10s %8.1f ms%n", p.phase(), p.duration().toNanos() / 1e6));
        }
        sb.append(String.format("  %-10s %8.1f ms%n", "WRITE PAUSE", writePause.toNanos() / 1e6));
        if (abortReason != null) {
            sb.append("  aborted: ").append(abortReason).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
