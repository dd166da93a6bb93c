package io.cutover;

import java.time.Duration;

/**
 * How far a {@link Verifier} run is, as its progress listener and log see it.
 *
 * @param table the source table being compared
 * @param tablesDone tables finished
 * @param tablesTotal tables to compare
 * @param chunksDone chunks compared, over all tables
 * @param rowsCompared source rows compared, over all tables
 * @param elapsed time since the run started
 */
public record VerifyProgress(String table, int tablesDone, int tablesTotal, long chunksDone, long rowsCompared,
        Duration elapsed) {

    /**
     * Returns the rows compared per second so far.
     *
     * @return the rate; 0 before anything was compared
     */
    public double rowsPerSecond() {
        return rowsCompared * 1000.0 / Math.max(1, elapsed.toMillis());
    }
}
