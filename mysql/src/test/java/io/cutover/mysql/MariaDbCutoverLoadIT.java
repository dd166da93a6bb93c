package io.cutover.mysql;

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
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariants under load on MariaDB with the real {@link Cutover}: eight writers run
 * multi-statement transactions on two tables joined by a foreign key, through the switcher, while
 * the application is cut over blue → green and back twenty times. After each flip everything
 * acknowledged before it is on the new side; no writer ever reaches the guarded old side; at the
 * end both sides are equal row for row and equal to what the writers were told was committed.
 */
class MariaDbCutoverLoadIT {
    private static final String DB = "loaddb";
    private static final int WRITERS = 8;
    private static final int FLIPS = Integer.getInteger("cutover.load.flips", 20);

    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static HikariDataSource bluePool;
    private static HikariDataSource greenPool;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 701, "green", 702);
        blue = pair.blue();
        green = pair.green();
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
            s.exec(DB, "CREATE TABLE parent (id BIGINT PRIMARY KEY, writer INT NOT NULL, n INT NOT NULL)",
                    "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL, v INT NOT NULL,"
                            + " FOREIGN KEY (parent_id) REFERENCES parent (id))");
        }
        bluePool = pool(blue);
        greenPool = pool(green);
    }

    @AfterAll
    static void stop() {
        for (HikariDataSource p : new HikariDataSource[] {bluePool, greenPool}) {
            if (p != null) {
                p.close();
            }
        }
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static HikariDataSource pool(MariaDbServer server) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.jdbcUrl(DB) + "?sslMode=DISABLED");
        c.setUsername(Accounts.APP);
        c.setPassword(Accounts.PASSWORD);
        c.setMaximumPoolSize(WRITERS + 2);
        c.setPoolName("app-" + server.name());
        return new HikariDataSource(c);
    }

    /** One writer's transactions and its own record of what was acknowledged. */
    private static final class Writer implements Runnable {
        final int id;
        final ConnectionSwitcher switcher;
        final AtomicBoolean stop;
        final ConcurrentLinkedQueue<Long> acked;
        final Map<Long, Integer> parents = new HashMap<>();
        final List<Long> children = new ArrayList<>();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong guarded = new AtomicLong();
        volatile Throwable uncertain;
        long seq;

        Writer(int id, ConnectionSwitcher switcher, AtomicBoolean stop, ConcurrentLinkedQueue<Long> acked) {
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
                long pid = id * 1_000_000_000L + (++seq);
                Long bump = parentIds.isEmpty() ? null : parentIds.get(random.nextInt(parentIds.size()));
                Long drop = children.isEmpty() ? null : children.get(random.nextInt(children.size()));
                boolean committing = false;
                try (Connection c = switcher.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO parent VALUES (?, ?, 0)");
                            PreparedStatement ch = c.prepareStatement("INSERT INTO child VALUES (?, ?, ?)");
                            PreparedStatement up = c.prepareStatement("UPDATE parent SET n = n + 1 WHERE id = ?");
                            PreparedStatement del = c.prepareStatement("DELETE FROM child WHERE id = ?")) {
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
                    if (e instanceof SQLException s && s.getErrorCode() == 1290) {
                        guarded.incrementAndGet(); // --read-only refused it: a write reached the old side
                    }
                    if (committing) {
                        uncertain = e;
                    }
                    failures.incrementAndGet();
                    continue;
                }
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
    void eightWritersThroughTheSwitcher_survive20CutoversAndRollbacks_withNothingLost(@TempDir Path state)
            throws Exception {
        ReplicationLink link = MySqlCutover.builder().name("load")
                .blue(blue.host(), blue.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                .green(green.host(), green.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                .sslMode("DISABLED").stateDir(state).serverIds(7101, 7102)
                .tables("parent", "child").appUsers(Accounts.APP).build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        List<Writer> writers = new ArrayList<>();
        List<Long> pausesMicros = new ArrayList<>();
        List<Long> fenceMillis = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(WRITERS);
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(bluePool, greenPool)) {
            for (int w = 1; w <= WRITERS; w++) {
                Writer writer = new Writer(w, switcher, stop, acked);
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
            for (int i = 1; i <= FLIPS; i++) {
                int before = acked.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= before + 200);
                List<Long> ackedBefore = new ArrayList<>(acked);
                Side to = switcher.current().other();
                Lag lagBefore = link.stream().lag();
                Cutover cutover = null;
                CutoverResult result = null;
                for (int attempt = 1; result == null; attempt++) {
                    cutover = Cutover.builder().name("load-" + i + "." + attempt).switcher(switcher).link(link)
                            .drainBudget(Duration.ofSeconds(2)).catchUpBudget(Duration.ofSeconds(10))
                            .totalBudget(Duration.ofSeconds(20)).maxLagToStart(new Lag(1_000_000, Duration.ofSeconds(30)))
                            .build();
                    try {
                        result = cutover.execute();
                    } catch (CutoverAbortedException | PreflightException e) {
                        // Past its budget on a starved machine a cutover aborts (or its fence before the
                        // pause refuses to start): writes stay on the old side and nothing is lost
                        // (checked at the end). Try again, a bounded number of times.
                        assertThat(attempt).as("flip %d aborted %d times: %s", i, attempt, e.getMessage()).isLessThan(3);
                        assertThat(switcher.current()).isEqualTo(to.other());
                    }
                }
                System.out.println("flip " + i + " -> " + to + ": lag before " + lagBefore + ", pause "
                        + result.writePause().toMillis() + " ms");
                assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
                assertThat(switcher.current()).isEqualTo(to);
                pausesMicros.add(result.writePause().toNanos() / 1000);
                fenceMillis.add(result.fence().waited().toMillis());
                assertThat(countPresent(to == Side.GREEN ? green : blue, ackedBefore))
                        .as("flip %d: parents acknowledged before it, on %s", i, to).isEqualTo(ackedBefore.size());
                link = cutover.reverseLink().orElseThrow();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            stop.set(true);
            finished.await();
            link.stream().awaitFence(Duration.ofSeconds(60));

            for (Writer w : writers) {
                assertThat(w.guarded).as("writer %d reached the guarded old side", w.id).hasValue(0);
                assertThat(w.uncertain).as("writer %d commit outcome unknown", w.id).isNull();
            }
            List<String> blueParents = TablesCompared.rows(blue, DB, "parent", "id");
            assertThat(TablesCompared.rows(green, DB, "parent", "id")).containsExactlyElementsOf(blueParents);
            assertThat(TablesCompared.rows(green, DB, "child", "id"))
                    .containsExactlyElementsOf(TablesCompared.rows(blue, DB, "child", "id"));
            Map<Long, Integer> expectedParents = new HashMap<>();
            List<Long> expectedChildren = new ArrayList<>();
            writers.forEach(w -> {
                expectedParents.putAll(w.parents);
                expectedChildren.addAll(w.children);
            });
            assertThat(parents(blue)).isEqualTo(expectedParents);
            Collections.sort(expectedChildren);
            assertThat(childIds(blue)).isEqualTo(expectedChildren);

            long failures = writers.stream().mapToLong(w -> w.failures.get()).sum();
            String report = String.format("MariaDB cutover load: %d flips in %.1f s, %d writers, %d transactions"
                    + " acknowledged, %d retried; write pause p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                    + " fence wait p50 %d ms, max %d ms", FLIPS, seconds, WRITERS, acked.size(), failures,
                    percentile(pausesMicros, 50) / 1000.0, percentile(pausesMicros, 99) / 1000.0,
                    Collections.max(pausesMicros) / 1000.0, percentile(fenceMillis, 50), Collections.max(fenceMillis));
            System.out.println(report);
            Files.writeString(Path.of("target", "mariadb-cutover-load.txt"), report + "\n");
        } finally {
            stop.set(true);
            finished.await();
            link.close();
            blue.exec("", "SET GLOBAL read_only = OFF");
            green.exec("", "SET GLOBAL read_only = OFF");
        }
    }

    private static long countPresent(MariaDbServer side, List<Long> ids) throws SQLException {
        long found = 0;
        try (Connection c = side.admin(DB); Statement st = c.createStatement()) {
            for (int from = 0; from < ids.size(); from += 1000) {
                List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
                StringBuilder in = new StringBuilder();
                chunk.forEach(id -> in.append(in.length() == 0 ? "" : ",").append(id));
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM parent WHERE id IN (" + in + ")")) {
                    rs.next();
                    found += rs.getLong(1);
                }
            }
        }
        return found;
    }

    private static Map<Long, Integer> parents(MariaDbServer side) throws SQLException {
        Map<Long, Integer> out = new HashMap<>();
        try (Connection c = side.admin(DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, n FROM parent")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return out;
    }

    private static List<Long> childIds(MariaDbServer side) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = side.admin(DB); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM child ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
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
