package io.cutover.examples.demo;

import io.cutover.Side;

/**
 * The comparison of one database with the service's acknowledged writes.
 *
 * @param label what was checked ("after cutover 1 to green")
 * @param side the side checked
 * @param expectedRows rows the service's acknowledged writes leave
 * @param actualRows rows in the table
 * @param expectedChecksum SHA-256 of the expected rows (through the transform on green), first 16 hex digits
 * @param actualChecksum SHA-256 of the table's rows, first 16 hex digits
 * @param missing acknowledged rows absent from the table
 * @param different rows whose values differ
 * @param extra rows in the table the service never acknowledged (or deleted)
 * @param uncertain ids left out because a commit failed with an unknown outcome
 */
public record Verification(String label, Side side, long expectedRows, long actualRows, String expectedChecksum,
        String actualChecksum, long missing, long different, long extra, int uncertain) {

    /**
     * Tells whether the table holds exactly the acknowledged writes.
     *
     * @return true when counts and checksums agree and nothing is missing, different or extra
     */
    public boolean ok() {
        return expectedRows == actualRows && expectedChecksum.equals(actualChecksum) && missing == 0 && different == 0
                && extra == 0;
    }

    /**
     * One line for the console.
     *
     * @return the line
     */
    public String line() {
        return String.format("%-5s %-6s rows %,d (expected %,d)  checksum %s (expected %s)  missing %d, different %d,"
                + " extra %d%s", ok() ? "OK" : "FAIL", side, actualRows, expectedRows, actualChecksum, expectedChecksum,
                missing, different, extra, uncertain > 0 ? ", " + uncertain + " unknown-outcome ids skipped" : "");
    }
}
