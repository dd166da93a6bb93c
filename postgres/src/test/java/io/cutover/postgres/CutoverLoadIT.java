package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.Lag;
import io.cutover.PreflightException;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import io.cutover.testservers.PostgresServer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The invariants under load: eight writers run multi-statement transactions on two tables with a
 * foreign key through the switcher while the application is cut over from blue to green and back
 * again and again. After each flip every transaction acknowledged before it started is on the new
 * side; no writer ever hits the guard on the old side; at the end both sides equal each other and
 * the writers' own record of what was acknowledged, row for row.
 */
class CutoverLoadIT {

    private static final int WRITERS = 8;
    // 20 cutovers blue -> green and 20 rollbacks green -> blue.
    private static final int FLIPS = Integer.getInteger("cutover.load.flips", 40);

    private static PgPair pg;
    private static HikariDataSource bluePool;
    private static HikariDataSource greenPool;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        bluePool = pool(pg.blue);
        greenPool = pool(pg.green);
    }

    @AfterAll
    static void stop() {
        bluePool.close();
        greenPool.close();
        pg.close();
    }

    private static HikariDataSource pool(PostgresServer server) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:postgresql://localhost:" + server.port() + "/" + PostgresServer.DATABASE);
        c.setUsername(PostgresServer.USER);
        c.setMaximumPoolSize(WRITERS + 2);
        c.setPoolName("app-" + server.port());
        return new HikariDataSource(c);
    }

    /** One writer's transactions and its record of what was acknowledged. */
    private static final class Writer implements Runnable {
        final int id;
        final ConnectionSwitcher switcher;
        final AtomicBoolean stop;
        final ConcurrentLinkedQueue<Long> acked;
        final Map<Long, Integer> parents = new HashMap<>();
        final List<Long> children = new ArrayList<>();
        final java.util.concurrent.Semaphore permits;
        final String parent;
        final String child;
        final AtomicLong failures = new AtomicLong();
        final AtomicLong guarded = new AtomicLong();
        volatile Throwable uncertain;
        long seq;

        Writer(int id, ConnectionSwitcher switcher, AtomicBoolean stop, ConcurrentLinkedQueue<Long> acked,
                java.util.concurrent.Semaphore permits, String prefix) {
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
                    if ("25006".equals(e instanceof SQLException s ? s.getSQLState() : null)) {
                        guarded.incrementAndGet();
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
    void unthrottledWriters_survive20CutoversAnd20Rollbacks_withNothingLostAndNothingOnTheOldSide() throws Exception {
        run("full", FLIPS, 0);
    }

    @Test
    void writersAt500TransactionsPerSecond_seeAPauseOfMilliseconds() throws Exception {
        run("paced", 10, 500);
    }

    private void run(String prefix, int flips, int perSecond) throws Exception {
        String parentTable = prefix + "_parent";
        String childTable = prefix + "_child";
        pg.both("CREATE TABLE " + parentTable + " (id bigint PRIMARY KEY, writer int NOT NULL, n int NOT NULL)",
                "CREATE TABLE " + childTable + " (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES "
                        + parentTable + " (id), v int NOT NULL)");
        java.util.concurrent.Semaphore permits = perSecond > 0 ? new java.util.concurrent.Semaphore(0) : null;
        java.util.concurrent.ScheduledExecutorService pacer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        if (permits != null) {
            // A token bucket: perSecond transactions a second in all, handed out every 10 ms.
            pacer.scheduleAtFixedRate(() -> {
                if (permits.availablePermits() < perSecond) {
                    permits.release(Math.max(1, perSecond / 100));
                }
            }, 10, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        ReplicationLink link = pg.builder(prefix, parentTable, childTable).build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        List<Writer> writers = new ArrayList<>();
        List<Long> pausesMicros = new ArrayList<>();
        List<Long> fenceMillis = new ArrayList<>();
        List<String> phaseMillis = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(WRITERS);
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(bluePool, greenPool)) {
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
                await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= before + 200);
                List<Long> ackedBefore = new ArrayList<>(acked);
                Side to = switcher.current().other();
                Cutover cutover = null;
                CutoverResult result = null;
                for (int attempt = 1; result == null; attempt++) {
                    cutover = Cutover.builder().name(prefix + "-" + i + "." + attempt).switcher(switcher).link(link)
                            .drainBudget(Duration.ofSeconds(2)).catchUpBudget(Duration.ofSeconds(10))
                            .totalBudget(Duration.ofSeconds(20)).maxLagToStart(new Lag(1_000_000, Duration.ofSeconds(30)))
                            // Paced: the cutover fences before pausing (the default), so the pause carries
                            // only the last moments. Unpaced writers outrun the stream on two cores: there
                            // the pause itself drains the backlog, which fenceBeforePause(false) allows.
                            .fenceBeforePause(permits != null)
                            .build();
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
                assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
                assertThat(switcher.current()).isEqualTo(to);
                pausesMicros.add(result.writePause().toNanos() / 1000);
                phaseMillis.add(result.phases().stream().map(ph -> ph.phase() + "=" + ph.duration().toMillis())
                        .collect(java.util.stream.Collectors.joining(" ")));
                fenceMillis.add(result.fence().waited().toMillis());
                // Invariant 1: everything acknowledged before the cutover started is on the new side now.
                assertThat(countPresent(to == Side.GREEN ? pg.green : pg.blue, parentTable, ackedBefore))
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
            List<List<String>> blueParents = pg.blue.rows("SELECT id, writer, n FROM " + parentTable + " ORDER BY id");
            assertThat(pg.green.rows("SELECT id, writer, n FROM " + parentTable + " ORDER BY id")).isEqualTo(blueParents);
            List<List<String>> blueChildren = pg.blue.rows("SELECT id, parent_id, v FROM " + childTable + " ORDER BY id");
            assertThat(pg.green.rows("SELECT id, parent_id, v FROM " + childTable + " ORDER BY id")).isEqualTo(blueChildren);
            Map<Long, Integer> expectedParents = new HashMap<>();
            List<Long> expectedChildren = new ArrayList<>();
            writers.forEach(w -> {
                expectedParents.putAll(w.parents);
                expectedChildren.addAll(w.children);
            });
            Map<Long, Integer> actualParents = new HashMap<>();
            blueParents.forEach(r -> actualParents.put(Long.parseLong(r.get(0)), Integer.parseInt(r.get(2))));
            assertThat(actualParents).isEqualTo(expectedParents);
            Collections.sort(expectedChildren);
            assertThat(blueChildren.stream().map(r -> Long.parseLong(r.get(0))).toList()).isEqualTo(expectedChildren);

            long failures = writers.stream().mapToLong(w -> w.failures.get()).sum();
            String report = String.format("cutover load (%s, %s): %d flips (%d aborts retried) in %.1f s, %d writers,"
                    + " %d transactions acknowledged, %d retried; write pause p50 %.1f ms, p99 %.1f ms, max %.1f ms; fence wait p50 %d ms, max %d ms",
                    prefix, perSecond > 0 ? perSecond + " tx/s" : "unthrottled", flips, aborts, seconds, WRITERS, acked.size(), failures, percentile(pausesMicros, 50) / 1000.0,
                    percentile(pausesMicros, 99) / 1000.0, Collections.max(pausesMicros) / 1000.0,
                    percentile(fenceMillis, 50), Collections.max(fenceMillis));
            System.out.println(report);
            phaseMillis.forEach(line -> System.out.println("  " + prefix + " phases (ms): " + line));
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "cutover-load-" + prefix + ".txt"), report + "\n");
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
        assertThat(pg.blue.count("SELECT count(*) FROM pg_replication_slots")).isZero();
        assertThat(pg.green.count("SELECT count(*) FROM pg_replication_slots")).isZero();
    }

    private static long countPresent(PostgresServer side, String table, List<Long> ids) throws SQLException {
        try (Connection c = side.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE id = ANY (?)")) {
            Array array = c.createArrayOf("bigint", ids.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
