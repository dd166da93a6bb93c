package io.cutover.examples.demo;

import io.cutover.CutoverResult;
import io.cutover.Phase;
import io.cutover.Side;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Writes the demo's report: one self-contained HTML file (inline CSS and SVG, nothing fetched)
 * with the write throughput and the stream's lag over time, the side writes went to, each write
 * pause marked, the phase timings of every cutover and the verifications. Stateless.
 */
final class HtmlReport {

    private static final int WIDTH = 1100;
    private static final int CHART_HEIGHT = 170;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final String BLUE = "#2f6fde";
    private static final String GREEN = "#1f9d55";

    private HtmlReport() {
    }

    static Path write(Path path, DemoOptions options, Timeline timeline, List<CutoverResult> results,
            List<Verification> verifications, List<Long> slowestWrites, long writes, List<InstanceReport> instances)
            throws IOException {
        List<Timeline.Sample> samples = timeline.samples();
        List<Timeline.PauseWindow> pauses = timeline.pauses();
        double[] rate = new double[samples.size()];
        for (int i = 1; i < samples.size(); i++) {
            Timeline.Sample a = samples.get(i - 1);
            Timeline.Sample b = samples.get(i);
            rate[i] = (b.writes() - a.writes()) * 1000.0 / Math.max(1, b.atMillis() - a.atMillis());
        }
        long end = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).atMillis());
        boolean ok = !verifications.isEmpty() && verifications.stream().allMatch(Verification::ok);
        Duration maxPause = results.stream().map(CutoverResult::writePause).max(Duration::compareTo).orElse(Duration.ZERO);

        StringBuilder h = new StringBuilder(64_000);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cutover demo report</title><style>")
                .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:")
                .append(WIDTH + 40).append("px;color:#1d232b}")
                .append("h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}")
                .append(".muted{color:#667085}.ok{color:#1f7a44;font-weight:600}.fail{color:#b42318;font-weight:600}")
                .append(".cards{display:flex;gap:12px;margin:16px 0}.card{border:1px solid #e4e7ec;border-radius:8px;padding:10px 14px;min-width:150px}")
                .append(".card b{display:block;font-size:20px}")
                .append("table{border-collapse:collapse;margin:6px 0}td,th{border-bottom:1px solid #e4e7ec;padding:4px 12px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}tr.total td{font-weight:700;border-top:2px solid #98a2b3}")
                .append("svg text{font:11px system-ui,sans-serif;fill:#475467}</style></head><body>");
        h.append("<h1>Cutover demo: blue &rarr; green &rarr; blue under load</h1><div class=\"muted\">")
                .append(esc(options.toString())).append("</div>");
        h.append("<div class=\"cards\">")
                .append(card("result", ok ? "<span class=\"ok\">all checks held</span>" : "<span class=\"fail\">a check failed</span>"))
                .append(card("writes acknowledged", String.format(Locale.ROOT, "%,d", writes)))
                .append(card("cutovers", String.valueOf(results.size())))
                .append(card("instances", String.valueOf(Math.max(1, instances.size()))))
                .append(card("longest write pause", ms(maxPause) + " ms"))
                .append("</div>");

        h.append("<h2>Write throughput, writes/s").append(options.instances() > 1 ? " (the coordinating instance; the"
                + " instances table below has every one's writes)" : "").append("</h2>");
        List<long[]> checks = timeline.checks();
        h.append(chart(samples, pauses, checks, end, i -> rate[i], "writes/s", true));
        h.append("<h2>Stream lag, events not yet applied</h2>");
        h.append(chart(samples, pauses, checks, end, i -> samples.get(i).lagEvents(), "events", false));
        h.append("<h2>Stream lag, age of the oldest unapplied change (ms)</h2>");
        h.append(chart(samples, pauses, checks, end, i -> samples.get(i).lagMillis(), "ms", false));
        h.append("<p class=\"muted\">Background: the side writes went to (<span style=\"color:").append(BLUE)
                .append("\">blue</span>, <span style=\"color:").append(GREEN).append("\">green</span>). Red bands:")
                .append(" write pauses (drawn at least 3 px wide). Grey: writers stopped while the demo compared both sides")
                .append(" with the acknowledged writes. Lag is the stream into the side not in use.</p>");

        h.append("<h2>Phases, ms</h2>").append(phaseTable(results, slowestWrites));
        if (!instances.isEmpty()) {
            h.append("<h2>Instances: each one's writes and its own write pause</h2>").append(InstanceTable.html(instances));
        }
        h.append("<h2>Verifications</h2><table><tr><th>check</th><th>result</th><th>rows</th><th>expected</th>")
                .append("<th>checksum</th><th>expected</th><th>missing</th><th>different</th><th>extra</th></tr>");
        for (Verification v : verifications) {
            h.append("<tr><td>").append(esc(v.label())).append("</td><td class=\"").append(v.ok() ? "ok\">OK" : "fail\">FAIL")
                    .append("</td><td>").append(v.actualRows()).append("</td><td>").append(v.expectedRows())
                    .append("</td><td><code>").append(v.actualChecksum()).append("</code></td><td><code>")
                    .append(v.expectedChecksum()).append("</code></td><td>").append(v.missing()).append("</td><td>")
                    .append(v.different()).append("</td><td>").append(v.extra()).append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        Files.writeString(path, h, StandardCharsets.UTF_8);
        return path;
    }

    private static String phaseTable(List<CutoverResult> results, List<Long> slowestWrites) {
        StringBuilder t = new StringBuilder("<table><tr><th>phase</th>");
        for (CutoverResult r : results) {
            t.append("<th>").append(r.from()).append(" &rarr; ").append(r.to()).append("<br><span class=\"muted\">")
                    .append(r.outcome()).append("</span></th>");
        }
        t.append("</tr>");
        for (Phase phase : Phase.values()) {
            if (results.stream().noneMatch(r -> r.duration(phase).isPresent())) {
                continue;
            }
            t.append("<tr><td>").append(phase).append("</td>");
            for (CutoverResult r : results) {
                t.append("<td>").append(r.duration(phase).map(HtmlReport::ms).orElse("")).append("</td>");
            }
            t.append("</tr>");
        }
        t.append("<tr class=\"total\"><td>total write pause</td>");
        for (CutoverResult r : results) {
            t.append("<td>").append(ms(r.writePause())).append("</td>");
        }
        t.append("</tr><tr><td>slowest single write seen by the service</td>");
        for (int i = 0; i < results.size(); i++) {
            t.append("<td>").append(i < slowestWrites.size() ? slowestWrites.get(i) + ".0" : "").append("</td>");
        }
        return t.append("</tr></table>").toString();
    }

    private static String chart(List<Timeline.Sample> samples, List<Timeline.PauseWindow> pauses, List<long[]> checks,
            long end, ToDoubleFunction<Integer> value, String unit, boolean labelPauses) {
        int plotW = WIDTH - LEFT - RIGHT;
        int top = labelPauses ? 22 : 8;
        int plotH = CHART_HEIGHT - top - 24;
        double max = 1;
        for (int i = 0; i < samples.size(); i++) {
            max = Math.max(max, value.applyAsDouble(i));
        }
        max = niceCeiling(max);
        StringBuilder s = new StringBuilder();
        s.append("<svg width=\"").append(WIDTH).append("\" height=\"")
                .append(CHART_HEIGHT).append("\" role=\"img\" aria-label=\"").append(unit).append(" over time\">");
        // The side writes went to, as background bands.
        for (int i = 1; i < samples.size(); i++) {
            Timeline.Sample a = samples.get(i - 1);
            double x0 = LEFT + a.atMillis() * (double) plotW / end;
            double x1 = LEFT + samples.get(i).atMillis() * (double) plotW / end;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.07\"/>",
                    x0, top, x1 - x0 + 0.5, plotH, a.side() == Side.BLUE ? BLUE : GREEN));
        }
        for (int g = 0; g <= 4; g++) {
            double y = top + plotH - g * plotH / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e7ec\"/>",
                    LEFT, LEFT + plotW, y, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, y + 4,
                    compact(max * g / 4)));
        }
        long step = end > 120_000 ? 20_000 : end > 40_000 ? 10_000 : end > 15_000 ? 5_000 : 2_000;
        for (long t = 0; t <= end; t += step) {
            double x = LEFT + t * (double) plotW / end;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>", x,
                    top + plotH + 16, t / 1000));
        }
        for (long[] c : checks) {
            double x0 = LEFT + c[0] * (double) plotW / end;
            double w = Math.max(3, (c[1] - c[0]) * (double) plotW / end);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#98a2b3\" fill-opacity=\"0.35\"/>",
                    x0, top, w, plotH));
            if (labelPauses) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">check</text>",
                        x0 + w / 2, top + 14));
            }
        }
        for (Timeline.PauseWindow p : pauses) {
            double x0 = LEFT + p.startMillis() * (double) plotW / end;
            double w = Math.max(3, (p.endMillis() - p.startMillis()) * (double) plotW / end);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#d92d20\" fill-opacity=\"0.55\"/>",
                    x0, top, w, plotH));
            if (labelPauses) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" style=\"fill:#b42318;font-weight:600\">%s &#8594; %s, paused %d ms</text>",
                        x0 + w / 2, top - 7, p.from(), p.to(), p.endMillis() - p.startMillis()));
            }
        }
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < samples.size(); i++) {
            double x = LEFT + samples.get(i).atMillis() * (double) plotW / end;
            double y = top + plotH - Math.min(1, value.applyAsDouble(i) / max) * plotH;
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        s.append("<polyline fill=\"none\" stroke=\"#344054\" stroke-width=\"1.6\" points=\"").append(pts).append("\"/>");
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#98a2b3\"/>",
                LEFT, top, plotW, plotH));
        return s.append("</svg>").toString();
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (v <= m * magnitude) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String compact(double v) {
        return v >= 10_000 ? String.format(Locale.ROOT, "%.0fk", v / 1000) : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String card(String title, String value) {
        return "<div class=\"card\"><span class=\"muted\">" + title + "</span><b>" + value + "</b></div>";
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e6);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
