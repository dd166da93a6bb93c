package io.cutover.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A crude sampling profiler for the replication's own threads: every 20 ms it takes the stacks of
 * the JVM's threads (64 frames, one safepoint per sample) whose {@link CpuProfile#javaGroup group} it is told to watch, and books each
 * sample of a RUNNABLE thread to where that thread is: blocked reading a socket (waiting for blue's
 * WAL or green's reply), or else the code that owns the top frame (the first frame outside the
 * JDK, by package). Samples of threads that wait or park are counted apart. It says where the
 * CPU of the decoding and apply threads goes, which per-thread CPU alone does not.
 */
final class StackSampler implements AutoCloseable {
    private static final long INTERVAL_NANOS = 20_000_000L;
    private final java.util.function.Predicate<String> watched;
    private final Map<String, Map<String, Integer>> counts = new HashMap<>(); // guarded by this
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling the threads whose group {@code watched} accepts. */
    StackSampler(java.util.function.Predicate<String> watched) {
        this.watched = watched;
        this.thread = new Thread(this::sample, "tpcb-stack-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long next = System.nanoTime();
        long[] ids = new long[0];
        for (int n = 0; running; n++) {
            if (n % 50 == 0) { // threads come and go (a restarted engine): look again once a second
                ids = java.util.Arrays.stream(mx.getThreadInfo(mx.getAllThreadIds()))
                        .filter(i -> i != null && watched.test(CpuProfile.javaGroup(i.getThreadName())))
                        .mapToLong(ThreadInfo::getThreadId).toArray();
            }
            for (ThreadInfo info : mx.getThreadInfo(ids, 64)) {
                if (info != null) {
                    String where = where(info);
                    String group = CpuProfile.javaGroup(info.getThreadName());
                    synchronized (this) {
                        counts.computeIfAbsent(group, k -> new HashMap<>()).merge(where, 1, Integer::sum);
                        if (info.getThreadState() == Thread.State.RUNNABLE && !where.startsWith("socket")) {
                            counts.computeIfAbsent(group + ", running, by innermost Debezium/Cutover class",
                                    k -> new HashMap<>()).merge(innermostOwnClass(info), 1, Integer::sum);
                        }
                    }
                }
            }
            next += INTERVAL_NANOS;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    /** Where a thread is, as booked: "(waiting)", "socket read", or the owning package of its top non-JDK frame. */
    static String where(ThreadInfo info) {
        if (info.getThreadState() != Thread.State.RUNNABLE) {
            return "(not running: waiting, parked or blocked)";
        }
        StackTraceElement[] st = info.getStackTrace();
        if (st.length > 0 && isSocketRead(st)) {
            return "socket read (waiting for the server)";
        }
        for (StackTraceElement e : st) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") && !c.startsWith("com.sun.")) {
                return owner(c);
            }
        }
        return st.length == 0 ? "(no stack)" : "JDK " + owner(st[0].getClassName());
    }

    /**
     * The innermost Debezium or Cutover class on the stack: which of their code the time is spent in
     * or called from (a Jackson or Kafka Connect frame on top is booked to the Debezium class that called it).
     */
    static String innermostOwnClass(ThreadInfo info) {
        for (StackTraceElement e : info.getStackTrace()) {
            String c = e.getClassName();
            if (c.startsWith("io.debezium.") || c.startsWith("io.cutover.")) {
                return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName();
            }
        }
        return "(no Debezium or Cutover frame)";
    }

    private static boolean isSocketRead(StackTraceElement[] st) {
        for (int i = 0; i < Math.min(6, st.length); i++) {
            String m = st[i].getClassName() + "." + st[i].getMethodName();
            if (m.contains("socketRead") || m.startsWith("sun.nio.ch.NioSocketImpl.park")
                    || m.startsWith("sun.nio.ch.Net.poll") || m.contains("SocketInputStream.read0")) {
                return true;
            }
        }
        return false;
    }

    // The package, cut to at most five segments: io.debezium.connector.postgresql.connection, org.postgresql.core.v3, ...
    private static String owner(String className) {
        String[] parts = className.split("\\.");
        int n = Math.min(5, parts.length - 1);
        return String.join(".", java.util.Arrays.copyOf(parts, Math.max(1, n)));
    }

    /** For each watched group, its sample shares in percent, largest first, those of at least 1 %. */
    synchronized Map<String, Map<String, Double>> shares() {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        counts.forEach((group, where) -> {
            int total = where.values().stream().mapToInt(Integer::intValue).sum();
            Map<String, Double> s = new LinkedHashMap<>();
            where.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .filter(e -> e.getValue() * 100.0 / total >= 1.0)
                    .forEach(e -> s.put(e.getKey(), e.getValue() * 100.0 / total));
            out.put(group + " (" + total + " samples)", s);
        });
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
