package io.cutover.examples.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Sorted samples with nearest-rank percentiles. */
record Stats(List<Double> sorted) {

    static Stats of(List<Double> samples) {
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        return new Stats(List.copyOf(s));
    }

    int count() {
        return sorted.size();
    }

    /** Nearest-rank percentile; NaN when there are no samples. */
    double percentile(double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    double median() {
        return percentile(50);
    }

    double min() {
        return sorted.isEmpty() ? Double.NaN : sorted.get(0);
    }

    double max() {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
    }
}
