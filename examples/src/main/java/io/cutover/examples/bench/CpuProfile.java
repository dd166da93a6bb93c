package io.cutover.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU spent during a window, split by who spent it, so it can be divided by the changes applied:
 * the JVM's Java threads by name (ThreadMXBean), the JVM's own threads that ThreadMXBean does not
 * list (GC, JIT compilers, the VM thread) from {@code /proc/self/task}, and each PostgreSQL
 * server's processes by their process title (walsender, apply worker, client backends, ...), found
 * as children of the two postmasters. Linux only; elsewhere the /proc parts stay empty.
 *
 * <p>Limits: a process or thread that exits inside the window loses its CPU (the native
 * subscription's apply worker and Debezium's threads live through it; client backends of a
 * Hikari pool do too). /proc counts in clock ticks of 10 ms.
 */
final class CpuProfile {
    private static final long TICK_NANOS = 10_000_000L;
    private final long[] postmasters;
    private final String[] sides;
    private Map<Long, Long> javaBefore = Map.of();
    private Map<String, Long> tasksBefore = Map.of();
    private Map<Long, Long> procsBefore = Map.of();
    private long processBefore;

    /** Profiles this JVM and the servers whose postmasters are given, labelled e.g. "blue", "green". */
    CpuProfile(long[] postmasters, String[] sides) {
        this.postmasters = postmasters.clone();
        this.sides = sides.clone();
    }

    /** Starts the window. */
    void start() {
        javaBefore = javaThreads();
        tasksBefore = vmTasks();
        procsBefore = serverProcs(false).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(e -> Long.parseLong(e.getKey().split("\u0000")[0]), Map.Entry::getValue));
        processBefore = processCpu();
    }

    /**
     * Ends the window and returns microseconds per unit (e.g. per applied change) by group, in a
     * stable order: JVM groups first ("jvm: ..."), then servers ("blue: walsender", ...). Groups
     * under 0.05 us are left out.
     */
    Map<String, Double> perUnit(long units) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (units <= 0) {
            return out;
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Double> jvm = new TreeMap<>();
        long javaSum = 0;
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo info = mx.getThreadInfo(id);
            long now = mx.getThreadCpuTime(id);
            if (info == null || now < 0) {
                continue;
            }
            long d = now - javaBefore.getOrDefault(id, 0L);
            javaSum += d;
            jvm.merge(javaGroup(info.getThreadName()), d / 1e3 / units, Double::sum);
        }
        long vmSum = 0;
        for (Map.Entry<String, Long> e : vmTasks().entrySet()) {
            long d = e.getValue() - tasksBefore.getOrDefault(e.getKey(), 0L);
            vmSum += d;
            jvm.merge(vmGroup(e.getKey().substring(e.getKey().indexOf('\u0000') + 1)), d / 1e3 / units, Double::sum);
        }
        long total = processCpu() - processBefore;
        jvm.put("jvm total (process)", total / 1e3 / units);
        jvm.put("jvm other (not a named thread)", Math.max(0, total - javaSum - vmSum) / 1e3 / units);
        jvm.forEach((k, v) -> put(out, k.startsWith("jvm") ? k : "jvm: " + k, v));
        Map<String, Double> servers = new TreeMap<>();
        for (Map.Entry<String, Long> e : serverProcs(true).entrySet()) {
            String[] key = e.getKey().split("\u0000");
            long d = e.getValue() - procsBefore.getOrDefault(Long.parseLong(key[0]), 0L);
            servers.merge(key[1], d / 1e3 / units, Double::sum);
        }
        servers.forEach((k, v) -> put(out, k, v));
        return out;
    }

    private static void put(Map<String, Double> out, String k, double v) {
        if (v >= 0.05) {
            out.put(k, v);
        }
    }

    /** The group a Java thread's CPU is booked to: its name with digits masked, a few names shortened. */
    static String javaGroup(String name) {
        if (name.startsWith(TpcbLoad.THREAD_PREFIX)) {
            return "load writers (" + TpcbLoad.THREAD_PREFIX + "N)";
        }
        if (name.contains("change-event-source-coordinator")) {
            return "Debezium decoding (change-event-source-coordinator)";
        }
        if (name.startsWith("cutover-engine-")) {
            return "Cutover engine/apply (cutover-engine-*)";
        }
        if (name.startsWith("cutover-capture-")) {
            return "Cutover capture host (cutover-capture-*)";
        }
        return name.replaceAll("[0-9]+", "N");
    }

    /** The group of a JVM-internal thread from its kernel name (15 characters at most). */
    static String vmGroup(String comm) {
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("GC ")) {
            return "jvm GC threads";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "jvm JIT compilers";
        }
        return "jvm VM thread and other VM tasks";
    }

    /** The group of a PostgreSQL process from its title, e.g. "postgres: walsender bench ..." -> "walsender". */
    static String serverGroup(String title) {
        String t = title.startsWith("postgres: ") ? title.substring("postgres: ".length()) : title;
        for (String kind : new String[] {"walsender", "logical replication apply worker", "logical replication launcher",
                "logical replication tablesync worker", "checkpointer", "background writer", "walwriter",
                "autovacuum launcher", "autovacuum worker", "wal writer"}) {
            if (t.startsWith(kind)) {
                return kind;
            }
        }
        if (t.startsWith("autovacuum")) {
            return "autovacuum";
        }
        // client backends: "user db host(port) state"
        return t.contains("(") ? "client backends" : "postmaster and other";
    }

    // Java thread id -> CPU ns
    private static Map<Long, Long> javaThreads() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            out.put(id, mx.getThreadCpuTime(id));
        }
        return out;
    }

    // "tid\0comm" -> CPU ns of this process's tasks that ThreadMXBean does not list (GC, JIT, VM)
    private static Map<String, Long> vmTasks() {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path p : (Iterable<Path>) tasks::iterator) {
                String comm = read(p.resolve("comm")).trim();
                if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.startsWith("C1 Compiler")
                        || comm.startsWith("C2 Compiler") || comm.equals("VM Thread") || comm.startsWith("VM Periodic")) {
                    out.put(p.getFileName() + "\u0000" + comm, statCpu(read(p.resolve("stat"))));
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    // "pid\0side: group" -> CPU ns of the servers' processes (postmaster and its children)
    private Map<String, Long> serverProcs(boolean withTitles) {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat = read(p.resolve("stat"));
                if (stat.isEmpty()) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long parent = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                for (int i = 0; i < postmasters.length; i++) {
                    if (pid == postmasters[i] || parent == postmasters[i]) {
                        String group = withTitles ? sides[i] + ": " + serverGroup(read(p.resolve("cmdline"))
                                .replace('\u0000', ' ').trim()) : sides[i];
                        out.put(pid + "\u0000" + group, statCpu(stat));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    private static long statCpu(String stat) {
        if (stat.isEmpty()) {
            return 0L;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime and stime, fields 14 and 15 of stat
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return ""; // the process or thread exited
        }
    }

    private static long processCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
    }

    /** The postmaster of a server: the parent of a backend serving a connection from {@code ds}. */
    static long postmaster(javax.sql.DataSource ds) throws java.sql.SQLException {
        String stat;
        try (java.sql.Connection c = ds.getConnection()) { // read while the backend runs
            stat = read(Path.of("/proc/" + Sql.queryLong(c, "SELECT pg_backend_pid()") + "/stat"));
        }
        return stat.isEmpty() ? -1L : Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }
}
