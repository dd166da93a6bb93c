package io.cutover.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Samples the heap in use every 10 ms on a daemon thread and keeps the peak, until closed. */
final class HeapPeak implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peak;

    HeapPeak() {
        sampler = new Thread(this::sample, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used > peak) {
                peak = used;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The peak heap used so far, in MiB. */
    double peakMiB() {
        return peak / (1024.0 * 1024.0);
    }

    /** The heap limit of this JVM ({@code -Xmx}), in MiB. */
    double maxMiB() {
        return memory.getHeapMemoryUsage().getMax() / (1024.0 * 1024.0);
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
