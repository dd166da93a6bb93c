package io.cutover.examples.demo;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What one instance of the demo's service did: its writes and, for every cutover, how long its own
 * writers were held (from the pause it was asked for to its resume, timed in that instance).
 *
 * @param name the instance's name: {@code instance-0} coordinates, the others are member processes
 * @param pid its process id
 * @param acknowledged writes it committed
 * @param onGreen of those, the ones that went to green
 * @param failed writes refused or failed
 * @param pauses each pause its writers went through, in order
 * @param slowestWriteMillis the longest single write it saw (waiting for a connection included)
 */
public record InstanceReport(String name, long pid, long acknowledged, long onGreen, long failed, List<Duration> pauses,
        long slowestWriteMillis) {

    /**
     * Validates and copies.
     *
     * @param name see the record component
     * @param pid see the record component
     * @param acknowledged see the record component
     * @param onGreen see the record component
     * @param failed see the record component
     * @param pauses see the record component
     * @param slowestWriteMillis see the record component
     */
    public InstanceReport {
        Objects.requireNonNull(name, "name");
        pauses = List.copyOf(pauses);
    }

    /**
     * Returns the longest pause this instance went through.
     *
     * @return the longest, zero if none
     */
    public Duration longestPause() {
        return pauses.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /**
     * Returns the pauses as milliseconds with two decimals, comma-separated.
     *
     * @return the text, {@code -} if none
     */
    public String pausesText() {
        return pauses.isEmpty() ? "-" : pauses.stream().map(InstanceReport::millis).collect(Collectors.joining(", "));
    }

    /**
     * Formats a duration as milliseconds with two decimals.
     *
     * @param d the duration
     * @return the text
     */
    static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e6);
    }

    /**
     * Parses the line a member process prints when its writers stop (see {@link DemoMember}):
     * {@code STOPPED <acknowledged> <onGreen> <failed> <slowest ms> <pause ns,pause ns,...|->}.
     *
     * @param name the instance's name
     * @param pid its process id
     * @param line the line
     * @return the report
     * @throws IllegalArgumentException if the line is not such a line
     */
    static InstanceReport parse(String name, long pid, String line) {
        String[] f = line.trim().split(" ");
        if (f.length != 6 || !"STOPPED".equals(f[0])) {
            throw new IllegalArgumentException(name + " answered '" + line + "', expected STOPPED and five fields");
        }
        try {
            List<Duration> pauses = "-".equals(f[5]) ? List.of()
                    : java.util.Arrays.stream(f[5].split(",")).map(s -> Duration.ofNanos(Long.parseLong(s))).toList();
            return new InstanceReport(name, pid, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), pauses,
                    Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " answered '" + line + "', a field is not a number", e);
        }
    }

    /**
     * The line {@link #parse} reads.
     *
     * @return the line
     */
    String line() {
        String p = pauses.isEmpty() ? "-" : pauses.stream().map(d -> String.valueOf(d.toNanos())).collect(Collectors.joining(","));
        return "STOPPED " + acknowledged + " " + onGreen + " " + failed + " " + slowestWriteMillis + " " + p;
    }
}
