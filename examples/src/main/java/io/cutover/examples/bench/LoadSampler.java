package io.cutover.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples the machine's 1-minute load average ({@code /proc/loadavg}) every 10 s on a daemon thread,
 * so a run can state how busy the machine was while it measured. Linux only; elsewhere it records
 * nothing.
 */
final class LoadSampler implements AutoCloseable {
    private final List<Double> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;

    LoadSampler() {
        thread = new Thread(this::sample, "bench-load-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                samples.add(Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
                Thread.sleep(10_000);
            } catch (IOException | RuntimeException e) {
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** "median M (min A - max B), N samples" of the 1-minute load average so far. */
    String summary() {
        Stats s = Stats.of(samples);
        return s.count() == 0 ? "not available"
                : String.format("median %.1f (min %.1f - max %.1f), %d samples", s.median(), s.min(), s.max(), s.count());
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
