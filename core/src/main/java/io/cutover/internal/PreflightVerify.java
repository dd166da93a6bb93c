package io.cutover.internal;

import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.TableDiff;
import io.cutover.VerifyOptions;
import io.cutover.VerifyReport;
import java.util.List;

/**
 * The verify a cutover runs in preflight when asked: green must match blue (through the
 * transforms) before writes are paused. Stateless.
 */
final class PreflightVerify {
    private PreflightVerify() {
    }

    /**
     * Verifies the link.
     *
     * @param link the forward link
     * @param options how to verify
     * @return the line the cutover's report records
     * @throws PreflightException naming every differing table with its first keys, or when the
     *     link cannot verify
     */
    static String run(ReplicationLink link, VerifyOptions options) {
        VerifyReport report;
        try {
            report = link.verify(options);
        } catch (UnsupportedOperationException e) {
            throw new PreflightException("verify before the pause was asked for but " + e.getMessage()
                    + "; or build the cutover without verifyFirst(...)", e);
        }
        if (!report.isClean()) {
            List<String> problems = report.differing().stream().map(PreflightVerify::problem).toList();
            throw new PreflightException(problems);
        }
        return String.format("verify: %s -> %s matches, %d rows in %d ms (%.0f rows/s)", link.source(), link.target(),
                report.rowsCompared(), report.duration().toMillis(), report.rowsPerSecond());
    }

    private static String problem(TableDiff t) {
        return "verify: '" + t.sourceTable() + "' -> '" + t.targetTable() + "' has " + t.differences()
                + " rows that differ after a fence: " + t.reported() + (t.unreported() > 0 ? " and " + t.unreported()
                + " more" : "") + "; repair the target (or copy the table again), then cut over";
    }
}
