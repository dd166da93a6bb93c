package io.cutover.spring;

import io.cutover.CutoverResult;
import io.cutover.PhaseTiming;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CutoverResult} in plain values, as the {@code cutover} endpoint shows it.
 *
 * @param name the cutover's name
 * @param from the side writes were on, "blue" or "green"
 * @param to the side it moved (or would have moved) to
 * @param outcome FLIPPED, REHEARSED or ABORTED
 * @param startedAt when it started, ISO-8601
 * @param writePauseMillis how long writes were paused, in milliseconds
 * @param phasesMillis each phase that ran, in order, with its duration in milliseconds
 * @param checks what was checked and moved, one line each
 * @param abortReason why it aborted, or null
 */
public record CutoverReport(String name, String from, String to, String outcome, String startedAt,
        double writePauseMillis, Map<String, Double> phasesMillis, List<String> checks, String abortReason) {

    /**
     * Copies the values.
     *
     * @param name see the record component
     * @param from see the record component
     * @param to see the record component
     * @param outcome see the record component
     * @param startedAt see the record component
     * @param writePauseMillis see the record component
     * @param phasesMillis see the record component
     * @param checks see the record component
     * @param abortReason see the record component
     */
    public CutoverReport {
        phasesMillis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phasesMillis));
        checks = List.copyOf(checks);
    }

    /**
     * Converts a cutover's result.
     *
     * @param r the result
     * @return the report
     */
    static CutoverReport of(CutoverResult r) {
        Map<String, Double> phases = new LinkedHashMap<>();
        for (PhaseTiming p : r.phases()) {
            phases.put(p.phase().name(), millis(p.duration()));
        }
        return new CutoverReport(r.name(), r.from().toString(), r.to().toString(), r.outcome().name(),
                r.startedAt().toString(), millis(r.writePause()), phases, r.checks(), r.abortReason());
    }

    private static double millis(java.time.Duration d) {
        return Math.round(d.toNanos() / 1e4) / 100.0;
    }
}
