package io.cutover.examples.demo;

import io.cutover.CutoverException;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.Phase;
import io.cutover.Side;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Prints a cutover's phases as they happen and marks its write pause on the {@link Timeline}:
 * from the start of {@link Phase#PAUSE} to the end of {@link Phase#RESUME}. Called on the cutover's
 * thread; one instance per cutover.
 */
final class PhasePrinter implements CutoverListener {

    private final PrintStream out;
    private final Timeline timeline;
    private final Side from;
    private final long startNanos = System.nanoTime();
    private volatile long pauseStartMillis = -1;

    PhasePrinter(PrintStream out, Timeline timeline, Side from) {
        this.out = out;
        this.timeline = timeline;
        this.from = from;
    }

    @Override
    public void phaseStarted(String cutover, Phase phase) {
        if (phase == Phase.PAUSE) {
            pauseStartMillis = timeline.nowMillis();
            out.printf("  %8.1f ms  %-9s writes paused: no new leases, draining those in flight%n", since(), phase);
        }
    }

    @Override
    public void phaseFinished(String cutover, Phase phase, Duration took) {
        out.printf("  %8.1f ms  %-9s done in %7.2f ms  %s%n", since(), phase, took.toNanos() / 1e6, what(phase));
        long start = pauseStartMillis;
        if (phase == Phase.RESUME && start >= 0) {
            timeline.pause(start, timeline.nowMillis(), from, from.other());
        }
    }

    @Override
    public void completed(CutoverResult result) {
        out.printf("  %8.1f ms  writes resumed on %s after a pause of %.2f ms%n", since(), result.to(),
                result.writePause().toNanos() / 1e6);
    }

    @Override
    public void aborted(String cutover, CutoverException failure) {
        long start = pauseStartMillis;
        if (start >= 0) {
            timeline.pause(start, timeline.nowMillis(), from, from);
        }
        out.printf("  %8.1f ms  ABORTED in %s: %s%n", since(), failure.phase(), failure.getMessage());
    }

    private double since() {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private String what(Phase phase) {
        return switch (phase) {
            case PREFLIGHT -> "stream live, lag low, " + from.other() + " writable";
            case PAUSE -> "no write in flight";
            case GUARD -> from + " refuses writes from anyone else";
            case CATCH_UP -> "fence applied on " + from.other() + ": it has every change";
            case HANDOFF -> "sequences on " + from.other() + " moved past " + from + "'s";
            case REVERSE -> "capture on " + from.other() + " set up for the way back";
            case FLIP -> "switcher points at " + from.other();
            case RESUME -> "writes flow to " + from.other();
            case ABORT, FINISH -> "";
        };
    }
}
