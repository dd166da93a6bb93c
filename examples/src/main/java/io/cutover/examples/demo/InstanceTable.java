package io.cutover.examples.demo;

import java.util.List;
import java.util.Locale;

/**
 * Renders the per-instance summary, a row per instance of the service, for the console and for
 * the HTML report: writes acknowledged, on green, failed, and each instance's own write pause in
 * every cutover. Stateless.
 */
final class InstanceTable {

    /** What the pause columns mean, shown under both tables. */
    static final String PAUSE_NOTE = "pause: from the moment the instance's writers were held to their resume, timed in"
            + " that instance, one value per cutover";

    private InstanceTable() {
    }

    /** The console table, one line per instance, with a total line when there are several. */
    static String console(List<InstanceReport> instances) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "  %-11s %8s %10s %10s %7s %14s   %s%n", "instance", "pid", "writes", "on green",
                "failed", "longest pause", "pause per cutover, ms"));
        t.append("  ").append("-".repeat(96)).append(System.lineSeparator());
        long writes = 0;
        long green = 0;
        long failed = 0;
        for (InstanceReport r : instances) {
            t.append(String.format(Locale.ROOT, "  %-11s %8d %,10d %,10d %,7d %11s ms   %s%n", r.name(), r.pid(),
                    r.acknowledged(), r.onGreen(), r.failed(), InstanceReport.millis(r.longestPause()), r.pausesText()));
            writes += r.acknowledged();
            green += r.onGreen();
            failed += r.failed();
        }
        if (instances.size() > 1) {
            t.append("  ").append("-".repeat(96)).append(System.lineSeparator());
            t.append(String.format(Locale.ROOT, "  %-11s %8s %,10d %,10d %,7d%n", "all", "", writes, green, failed));
        }
        return t.append("  ").append(PAUSE_NOTE).append(System.lineSeparator()).toString();
    }

    /** The HTML table, one row per instance. */
    static String html(List<InstanceReport> instances) {
        StringBuilder t = new StringBuilder("<table class=\"instances\"><tr><th>instance</th><th>pid</th><th>writes</th>"
                + "<th>on green</th><th>failed</th><th>longest pause, ms</th><th>pause per cutover, ms</th></tr>");
        for (InstanceReport r : instances) {
            t.append("<tr><td>").append(HtmlReport.esc(r.name())).append(r.name().endsWith("-0") ? " (coordinator)" : "")
                    .append("</td><td>").append(r.pid()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", r.acknowledged())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", r.onGreen())).append("</td><td>")
                    .append(r.failed()).append("</td><td>").append(InstanceReport.millis(r.longestPause()))
                    .append("</td><td>").append(r.pausesText()).append("</td></tr>");
        }
        return t.append("</table><p class=\"muted\">").append(PAUSE_NOTE).append(".</p>").toString();
    }
}
