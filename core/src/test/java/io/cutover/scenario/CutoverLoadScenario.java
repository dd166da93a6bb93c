package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.Lag;
import io.cutover.PauseGate;
import io.cutover.Phase;
import io.cutover.PreflightException;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The invariants under load, written once for every dialect: eight writers run multi-statement
 * transactions on two tables joined by a foreign key, through the switcher, while the application
 * is cut over blue → green and back again and again. After each flip every transaction
 * acknowledged before it started is on the new side; no writer ever hits the guard on the old
 * side; at the end both sides equal each other and the writers' own record of what was
 * acknowledged, row for row. A dialect's IT extends this class and supplies its real servers; each
 * test uses its own tables, so one pair of servers serves the class.
 */
public abstract class CutoverLoadScenario {
    /** Writer threads; the {@link #sides} pools hold this many connections and two more. */
    protected static final int WRITERS = 8;

    /**
     * Returns the dialect's two servers, one schema for the whole class. Their application pools
     * hold {@link #WRITERS} + 2 connections: the writers and the checks.
     */
    protected abstract Sides sides();

    /** Tells whether the database refused a write because the side's guard is engaged. */
    protected abstract boolean refusedByGuard(SQLException e);

    /** The dialect's name, for the report and its file under {@code target/}. */
    protected abstract String dialect();

    /** How many flips the unthrottled test makes (half cutovers, half rollbacks). */
    protected abstract int flips();

    /**
     * Whether unthrottled cutovers fence before pausing (the default). Where unpaced writers outrun
     * the stream on two cores, the pause itself has to drain the backlog: {@code false} allows it.
     */
    protected abstract boolean fenceBeforePauseWhenUnthrottled();

    /** The gate each cutover waits for before pausing writes; none unless a subclass says. */
    protected Optional<PauseGate> pauseGate() {
        return Optional.empty();
    }

    /** One writer's transactions and its record of what was acknowledged. */
    private final class Writer implements Runnable {
        final int id;
        final ConnectionSwitcher switcher;
        final AtomicBoolean stop;
        final ConcurrentLinkedQueue<Long> acked;
        final Map<Long, Integer> parents = new HashMap<>();
        final List<Long> children = new ArrayList<>();
        final Semaphore permits;
        final String parent;
        final String child;
        final AtomicLong failures = new AtomicLong();
        final AtomicLong guarded = new AtomicLong();
        volatile Throwable uncertain;
        long seq;

        Writer(int id, ConnectionSwitcher switcher, AtomicBoolean stop, ConcurrentLinkedQueue<Long> acked,
                Semaphore permits, String prefix) {
            this.permits = permits;
            this.parent = prefix + "_parent";
            this.child = prefix + "_child";
            this.id = id;
            this.switcher = switcher;
            this.stop = stop;
            this.acked = acked;
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            List<Long> parentIds = new ArrayList<>();
            while (!stop.get()) {
                if (permits != null) {
                    permits.acquireUninterruptibly();
                }
                long pid = id * 1_000_000_000L + (++seq);
                Long bump = parentIds.isEmpty() ? null : parentIds.get(random.nextInt(parentIds.size()));
                Long drop = children.isEmpty() ? null : children.get(random.nextInt(children.size()));
                boolean committing = false;
                try (Connection c = switcher.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO " + parent + " VALUES (?, ?, 0)");
                            PreparedStatement ch = c.prepareStatement("INSERT INTO " + child + " VALUES (?, ?, ?)");
                            PreparedStatement up = c.prepareStatement("UPDATE " + parent + " SET n = n + 1 WHERE id = ?");
                            PreparedStatement del = c.prepareStatement("DELETE FROM " + child + " WHERE id = ?")) {
                        p.setLong(1, pid);
                        p.setInt(2, id);
                        p.executeUpdate();
                        for (int k = 1; k <= 2; k++) {
                            ch.setLong(1, pid * 10 + k);
                            ch.setLong(2, pid);
                            ch.setInt(3, k);
                            ch.executeUpdate();
                        }
                        if (bump != null) {
                            up.setLong(1, bump);
                            up.executeUpdate();
                        }
                        if (drop != null) {
                            del.setLong(1, drop);
                            del.executeUpdate();
                        }
                        committing = true;
                        c.commit();
                    }
                } catch (SQLException | RuntimeException e) {
                    if (e instanceof SQLException s && refusedByGuard(s)) {
                        guarded.incrementAndGet(); // a write reached the old side
                    }
                    if (committing) {
                        uncertain = e; // the commit may or may not have happened
                    }
                    failures.incrementAndGet();
                    continue;
                }
                // Acknowledged: record it.
                parents.put(pid, 0);
                parentIds.add(pid);
                if (bump != null) {
                    parents.merge(bump, 1, Integer::sum);
                }
                children.add(pid * 10 + 1);
                children.add(pid * 10 + 2);
                if (drop != null) {
                    children.remove(drop);
                }
                acked.add(pid);
            }
        }
    }

    @Test
    void unthrottledWriters_surviveRepeatedCutoversAndRollbacks_withNothingLostAndNothingOnTheOldSide() throws Exception {
        run("full", flips(), 0);
    }

    @Test
    void writersAt500TransactionsPerSecond_seeAPauseOfMilliseconds() throws Exception {
        run("paced", Integer.getInteger("cutover.load.pacedFlips", 10), 500);
    }

    private void run(String prefix, int flips, int perSecond) throws Exception {
        String parentTable = prefix + "_parent";
        String childTable = prefix + "_child";
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE " + parentTable + " (id BIGINT PRIMARY KEY, writer INT NOT NULL, n INT NOT NULL)",
                    "CREATE TABLE " + childTable + " (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL, v INT NOT NULL,"
                            + " FOREIGN KEY (parent_id) REFERENCES " + parentTable + " (id))");
        }
        Semaphore permits = perSecond > 0 ? new Semaphore(0) : null;
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        if (permits != null) {
            // A token bucket: perSecond transactions a second in all, handed out every 10 ms.
            pacer.scheduleAtFixedRate(() -> {
                if (permits.availablePermits() < perSecond) {
                    permits.release(Math.max(1, perSecond / 100));
                }
            }, 10, 10, TimeUnit.MILLISECONDS);
        }
        ReplicationLink link = sides().link(prefix, parentTable, childTable).build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        List<Writer> writers = new ArrayList<>();
        List<Long> pausesMicros = new ArrayList<>();
        List<Long> fenceMillis = new ArrayList<>();
        List<String> phaseMillis = new ArrayList<>();
        Map<Phase, List<Long>> phaseMicros = new EnumMap<>(Phase.class);
        CountDownLatch finished = new CountDownLatch(WRITERS);
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides().app(Side.BLUE), sides().app(Side.GREEN))) {
            for (int w = 1; w <= WRITERS; w++) {
                Writer writer = new Writer(w, switcher, stop, acked, permits, prefix);
                writers.add(writer);
                Thread t = new Thread(() -> {
                    try {
                        writer.run();
                    } finally {
                        finished.countDown();
                    }
                }, "writer-" + w);
                t.start();
            }
            long started = System.nanoTime();
            int aborts = 0;
            for (int i = 1; i <= flips; i++) {
                int before = acked.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= before + 200);
                List<Long> ackedBefore = new ArrayList<>(acked);
                Side to = switcher.current().other();
                Lag lagBefore = link.stream().lag();
                Cutover cutover = null;
                CutoverResult result = null;
                for (int attempt = 1; result == null; attempt++) {
                    Cutover.Builder builder = Cutover.builder().name(prefix + "-" + i + "." + attempt).switcher(switcher).link(link)
                            .drainBudget(Duration.ofSeconds(2)).catchUpBudget(Duration.ofSeconds(10))
                            .totalBudget(Duration.ofSeconds(20)).maxLagToStart(new Lag(1_000_000, Duration.ofSeconds(30)))
                            // Paced: the cutover fences before pausing (the default), so the pause carries
                            // only the last moments. Unpaced, the dialect says (see the method).
                            .fenceBeforePause(permits != null || fenceBeforePauseWhenUnthrottled());
                    pauseGate().ifPresent(builder::pauseGate);
                    cutover = builder.build();
                    try {
                        result = cutover.execute();
                    } catch (CutoverAbortedException | PreflightException e) {
                        // Past its budget on a starved machine a cutover aborts (or its fence before the
                        // pause refuses to start): writes stay on the old side and nothing is lost
                        // (checked at the end). Try again, a bounded number of times.
                        assertThat(attempt).as("flip %d aborted %d times: %s", i, attempt, e.getMessage()).isLessThan(3);
                        assertThat(switcher.current()).isEqualTo(to.other());
                        aborts++;
                    }
                }
                System.out.println(prefix + " flip " + i + " -> " + to + ": lag before " + lagBefore + ", pause "
                        + result.writePause().toMillis() + " ms");
                assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
                assertThat(switcher.current()).isEqualTo(to);
                if (pauseGate().isPresent()) {
                    assertThat(result.checks()).as("flip %d waited for the gate", i).anyMatch(c -> c.startsWith("pause gate"));
                }
                pausesMicros.add(result.writePause().toNanos() / 1000);
                phaseMillis.add(result.phases().stream().map(ph -> ph.phase() + "=" + ph.duration().toMillis())
                        .collect(Collectors.joining(" ")));
                fenceMillis.add(result.fence().waited().toMillis());
                result.phases().forEach(ph -> phaseMicros.computeIfAbsent(ph.phase(), k -> new ArrayList<>())
                        .add(ph.duration().toNanos() / 1000));
                // Invariant 1: everything acknowledged before the cutover started is on the new side now.
                assertThat(countPresent(to, parentTable, ackedBefore))
                        .as("flip %d: acknowledged parents on %s", i, to).isEqualTo(ackedBefore.size());
                link = cutover.reverseLink().orElseThrow();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            stop.set(true);
            pacer.shutdownNow();
            if (permits != null) {
                permits.release(WRITERS);
            }
            finished.await();
            link.stream().awaitFence(Duration.ofSeconds(60));

            for (Writer w : writers) {
                assertThat(w.guarded).as("writer %d hit the guard on the old side", w.id).hasValue(0);
                assertThat(w.uncertain).as("writer %d commit outcome unknown", w.id).isNull();
            }
            // Both sides equal, row for row, and equal to what the writers were told was committed.
            List<List<Object>> blueParents = rows(Side.BLUE, "SELECT id, writer, n FROM " + parentTable + " ORDER BY id");
            assertThat(rows(Side.GREEN, "SELECT id, writer, n FROM " + parentTable + " ORDER BY id")).isEqualTo(blueParents);
            List<List<Object>> blueChildren = rows(Side.BLUE, "SELECT id, parent_id, v FROM " + childTable + " ORDER BY id");
            assertThat(rows(Side.GREEN, "SELECT id, parent_id, v FROM " + childTable + " ORDER BY id")).isEqualTo(blueChildren);
            Map<Long, Integer> expectedParents = new HashMap<>();
            List<Long> expectedChildren = new ArrayList<>();
            writers.forEach(w -> {
                expectedParents.putAll(w.parents);
                expectedChildren.addAll(w.children);
            });
            Map<Long, Integer> actualParents = new HashMap<>();
            blueParents.forEach(r -> actualParents.put((Long) r.get(0), ((Long) r.get(2)).intValue()));
            assertThat(actualParents).isEqualTo(expectedParents);
            Collections.sort(expectedChildren);
            assertThat(blueChildren.stream().map(r -> (Long) r.get(0)).toList()).isEqualTo(expectedChildren);

            long failures = writers.stream().mapToLong(w -> w.failures.get()).sum();
            String report = String.format("%s cutover load (%s, %s): %d flips (%d aborts retried) in %.1f s, %d writers,"
                    + " %d transactions acknowledged, %d retried; write pause p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                    + " fence wait p50 %d ms, max %d ms", dialect(), prefix,
                    perSecond > 0 ? perSecond + " tx/s" : "unthrottled", flips, aborts, seconds, WRITERS, acked.size(),
                    failures, percentile(pausesMicros, 50) / 1000.0, percentile(pausesMicros, 99) / 1000.0,
                    Collections.max(pausesMicros) / 1000.0, percentile(fenceMillis, 50), Collections.max(fenceMillis))
                    + phaseMicros.entrySet().stream()
                            .map(e -> String.format("%s %.1f", e.getKey(), percentile(e.getValue(), 50) / 1000.0))
                            .collect(Collectors.joining(", ", "; phase p50 (ms): ", ""));
            System.out.println(report);
            phaseMillis.forEach(line -> System.out.println("  " + prefix + " phases (ms): " + line));
            Files.writeString(Path.of("target", dialect() + "-cutover-load-" + prefix + ".txt"), report + "\n");
        } finally {
            stop.set(true);
            pacer.shutdownNow();
            if (permits != null) {
                permits.release(WRITERS);
            }
            finished.await();
            link.close();
            // The guard outlives the links by design; this test is done with both sides.
            link.sourceGuard().release();
            link.targetGuard().release();
        }
        assertThat(sides().leftovers(Side.BLUE)).isEmpty();
        assertThat(sides().leftovers(Side.GREEN)).isEmpty();
    }

    /** How many of the given parent ids a side has. */
    private long countPresent(Side side, String table, List<Long> ids) throws SQLException {
        long found = 0;
        try (Connection c = sides().app(side).getConnection(); Statement st = c.createStatement()) {
            for (int from = 0; from < ids.size(); from += 1000) {
                String in = ids.subList(from, Math.min(ids.size(), from + 1000)).stream().map(String::valueOf)
                        .collect(Collectors.joining(","));
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE id IN (" + in + ")")) {
                    rs.next();
                    found += rs.getLong(1);
                }
            }
        }
        return found;
    }

    /** Every row of an integer-only query, each value as a {@code Long} (exact), NULL as null. */
    private List<List<Object>> rows(Side side, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = sides().app(side).getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    long v = rs.getLong(i);
                    row.add(rs.wasNull() ? null : v);
                }
                out.add(row);
            }
        }
        return out;
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
