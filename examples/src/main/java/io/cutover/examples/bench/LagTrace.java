package io.cutover.examples.bench;

import java.util.List;

/**
 * One side's lag, sampled once a second under the load, and the judgement whether it stayed
 * bounded: after a warm-up, the largest lag of the last window is compared with the largest of the
 * first window. A replication that keeps up shows about the same lag in both; one that falls
 * further behind every second shows a larger one at the end. The slack absorbs the measure's own
 * resolution (the heartbeat is written every 100 ms, sampling adds a little).
 *
 * @param lagMs the lag samples in ms, one per second, in order
 * @param warmupSamples leading samples left out of the judgement (pools, JIT, the apply start)
 * @param slackMs how much larger the end may be than the start and still count as bounded
 */
record LagTrace(List<Double> lagMs, int warmupSamples, double slackMs) {
    /** The longest window compared at each end. */
    static final int MAX_WINDOW = 10;

    LagTrace {
        lagMs = List.copyOf(lagMs);
        if (warmupSamples < 0 || slackMs < 0) {
            throw new IllegalArgumentException("warmupSamples and slackMs must not be negative, were " + warmupSamples
                    + " and " + slackMs);
        }
    }

    /** Samples per window: up to 10, at most a third of those after the warm-up, at least 1. */
    int window() {
        return Math.max(1, Math.min(MAX_WINDOW, (lagMs.size() - warmupSamples) / 3));
    }

    /** Whether there are enough samples after the warm-up to judge (two windows' worth). */
    boolean judgeable() {
        return lagMs.size() - warmupSamples >= 2;
    }

    /** Largest lag in the first window after the warm-up. */
    double firstWindowMaxMs() {
        int from = Math.min(warmupSamples, lagMs.size());
        return maxOf(from, Math.min(lagMs.size(), from + window()));
    }

    /** Largest lag in the last window. */
    double lastWindowMaxMs() {
        return maxOf(Math.max(0, lagMs.size() - window()), lagMs.size());
    }

    /** True when the last window's largest lag is no more than the first's plus the slack. */
    boolean bounded() {
        return judgeable() && lastWindowMaxMs() <= firstWindowMaxMs() + slackMs;
    }

    double startMs() {
        return at(Math.min(warmupSamples, lagMs.size() - 1));
    }

    double middleMs() {
        return at(lagMs.size() / 2);
    }

    double endMs() {
        return at(lagMs.size() - 1);
    }

    double maxMs() {
        return maxOf(0, lagMs.size());
    }

    /** "bounded" or "GROWING" with the two windows' maxima, for the report. */
    String verdict() {
        if (!judgeable()) {
            return "not judged (too few samples)";
        }
        return String.format("%s (max of first %d s after warm-up %.0f ms, of last %d s %.0f ms)",
                bounded() ? "bounded" : "GROWING", window(), firstWindowMaxMs(), window(), lastWindowMaxMs());
    }

    /**
     * How long ago blue had committed what green holds now: the time at which the writers' committed
     * count reached {@code applied}, found by linear interpolation between the samples, taken from
     * {@code nowNanos}. Counts per transaction, so it does not depend on a heartbeat writer getting
     * CPU on a busy machine. 0 when green holds everything committed so far.
     *
     * @param tNanos sample times, ascending, the first the load's start
     * @param committed the writers' committed count at each time, not decreasing, 0 at the start
     * @param n how many of the samples to use
     * @param applied transactions green holds now
     * @param nowNanos now
     */
    static double behindMs(long[] tNanos, long[] committed, int n, long applied, long nowNanos) {
        if (n == 0 || applied >= committed[n - 1]) {
            return 0;
        }
        int i = n - 1;
        while (i > 0 && committed[i - 1] > applied) {
            i--;
        }
        if (i == 0) {
            return (nowNanos - tNanos[0]) / 1e6;
        }
        double frac = (double) (applied - committed[i - 1]) / (committed[i] - committed[i - 1]);
        double reachedAt = tNanos[i - 1] + frac * (tNanos[i] - tNanos[i - 1]);
        return Math.max(0, (nowNanos - reachedAt) / 1e6);
    }

    private double at(int i) {
        return i < 0 || i >= lagMs.size() ? Double.NaN : lagMs.get(i);
    }

    private double maxOf(int from, int to) {
        double m = Double.NaN;
        for (int i = from; i < to; i++) {
            m = Double.isNaN(m) ? lagMs.get(i) : Math.max(m, lagMs.get(i));
        }
        return m;
    }
}
