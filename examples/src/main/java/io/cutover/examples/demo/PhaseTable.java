package io.cutover.examples.demo;

import io.cutover.CutoverResult;
import io.cutover.Phase;
import io.cutover.PhaseTiming;
import java.io.PrintStream;

/** Prints a cutover's phase timings and its total write pause as a console table. */
final class PhaseTable {

    private PhaseTable() {
    }

    static void print(PrintStream out, CutoverResult result, long slowestWriteMillis) {
        out.println();
        out.printf("  %-12s %10s   %s%n", "phase", "ms", "writes");
        out.println("  " + "-".repeat(40));
        for (PhaseTiming p : result.phases()) {
            out.printf("  %-12s %10.2f   %s%n", p.phase(), p.duration().toNanos() / 1e6, paused(p.phase()) ? "paused" : "flowing");
        }
        out.println("  " + "-".repeat(40));
        out.printf("  %-12s %10.2f   from the start of PAUSE to the end of RESUME%n", "WRITE PAUSE",
                result.writePause().toNanos() / 1e6);
        out.printf("  %-12s %10d   the longest one write took, as the service saw it%n", "slowest write",
                slowestWriteMillis);
        for (String check : result.checks()) {
            out.println("  - " + check);
        }
    }

    static boolean paused(Phase phase) {
        return phase != Phase.PREFLIGHT;
    }
}
