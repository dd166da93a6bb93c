package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.Phase;
import io.cutover.PhaseTiming;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.WritePauser;
import io.cutover.spi.ReplicationLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invariants of ARCHITECTURE.md under load: eight writers run multi-statement transactions on
 * two tables joined by a foreign key, through a {@link ConnectionSwitcher} over two HikariCP
 * pools, while the application is cut over from blue to green and rolled back again and again.
 *
 * <ul>
 *   <li>At every flip (writes paused, before they resume) both sides are compared row by row:
 *       green holds every write acknowledged before the flip.</li>
 *   <li>At the end, the live side holds exactly the acknowledged writes (nothing lost, nothing
 *       unacknowledged), balances add up, and both sides are equal.</li>
 *   <li>A write that reached the old side after a flip would show as a difference at the next
 *       flip, and no writer may see an error.</li>
 * </ul>
 */
class CutoverUnderLoadIT {
    private static final Logger log = LoggerFactory.getLogger(CutoverUnderLoadIT.class);
    private static final int WRITERS = 8;
    private static final int ROUND_TRIPS = 11; // 22 cutovers
    private static final int SEED_ACCOUNTS = 200;
    private static final long SEED_BALANCE = 1_000;

    private static PgPair pg;
    private static HikariDataSource bluePool;
    private static HikariDataSource greenPool;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> present = ConcurrentHashMap.newKeySet();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong ackedAmount = new AtomicLong();
    private final ConcurrentLinkedQueue<String> writerErrors = new ConcurrentLinkedQueue<>();
    private final List<String> flipDifferences = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        String schema = "CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL);"
                + "CREATE TABLE transfers (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts(id),"
                + " amount bigint NOT NULL, token text NOT NULL UNIQUE)";
        pg.both(schema);
        pg.blue.exec("INSERT INTO accounts (owner, balance) SELECT 'seed-' || g, " + SEED_BALANCE
                + " FROM generate_series(1, " + SEED_ACCOUNTS + ") g");
        bluePool = pool("blue", pg.blue.port());
        greenPool = pool("green", pg.green.port());
    }

    @AfterAll
    static void stop() {
        bluePool.close();
        greenPool.close();
        pg.close();
    }

    private static HikariDataSource pool(String name, int port) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl("jdbc:postgresql://localhost:" + port + "/" + PgServer.DATABASE);
        c.setUsername(PgServer.USER);
        c.setPassword(PgServer.PASSWORD);
        c.setMaximumPoolSize(WRITERS + 2);
        c.setAutoCommit(false);
        return new HikariDataSource(c);
    }

    @Test
    void writersThroughTheSwitcher_loseNothingAcrossCutoversAndRollbacks() throws Exception {
        WritePauser pauser = WritePauser.builder().name("load").maxWaitWhilePaused(Duration.ofSeconds(60)).build();
        ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(bluePool).green(greenPool).pauser(pauser).build();
        ReplicationLink link = pg.builder("load", "accounts", "transfers").initialCopy(true).build();
        link.stream().start();
        awaitStreaming(link);

        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            int id = i;
            Thread t = new Thread(() -> write(switcher, id), "writer-" + i);
            t.start();
            writers.add(t);
        }
        List<Duration> pauses = new ArrayList<>();
        int aborts = 0;
        try {
            for (int c = 0; c < 2 * ROUND_TRIPS; c++) {
                long before = acknowledged.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.get() >= before + 50 || !writerErrors.isEmpty());
                assertThat(writerErrors).isEmpty();
                Cutover cutover = null;
                CutoverResult result = null;
                for (int attempt = 0; result == null; attempt++) {
                    cutover = Cutover.builder().name("load-" + c).switcher(switcher).link(link)
                            .drainBudget(Duration.ofSeconds(2)).catchUpBudget(Duration.ofSeconds(15))
                            .totalBudget(Duration.ofSeconds(20)).listener(compareAtFlip(link.source())).build();
                    try {
                        result = cutover.execute();
                    } catch (CutoverAbortedException e) {
                        // a slow machine may miss a budget: that must lose nothing either, and a retry goes on
                        log.warn("cutover {} attempt {} aborted: {}", c, attempt, e.getMessage());
                        assertThat(switcher.current()).isEqualTo(link.source());
                        assertThat(attempt).as("aborts in a row").isLessThan(3);
                        aborts++;
                    }
                }
                assertThat(switcher.current()).isEqualTo(link.target());
                pauses.add(pause(result));
                link = cutover.reverseLink().orElseThrow();
                awaitStreaming(link);
            }
        } finally {
            running.set(false);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }

        assertThat(writerErrors).isEmpty();
        assertThat(flipDifferences).isEmpty();
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
        // let the reverse of the last rollback carry the last writes to green, then compare everything
        link.stream().awaitFence(Duration.ofSeconds(60));
        PgServer live = pg.blue;
        assertThat(tokens(live)).as("tokens of acknowledged writes on the live side").isEqualTo(new HashSet<>(present));
        assertThat(live.count("SELECT sum(balance) FROM accounts"))
                .isEqualTo(SEED_ACCOUNTS * SEED_BALANCE + ackedAmount.get());
        assertThat(differences(pg.blue, pg.green)).isEmpty();
        link.close();
        assertThat(pg.blue.count("SELECT count(*) FROM pg_replication_slots")).isZero();
        assertThat(pg.green.count("SELECT count(*) FROM pg_replication_slots")).isZero();

        report(pauses, aborts);
    }

    private static void awaitStreaming(ReplicationLink link) {
        await().atMost(Duration.ofSeconds(60)).until(() -> link.stream().state() == ReplicationStream.State.STREAMING);
    }

    /** Compares both sides while writes are still paused, right after the switcher flipped. */
    private CutoverListener compareAtFlip(Side from) {
        return new CutoverListener() {
            @Override
            public void phaseFinished(String cutover, Phase phase, Duration took) {
                if (phase == Phase.FLIP) {
                    PgServer source = from == Side.BLUE ? pg.blue : pg.green;
                    PgServer target = from == Side.BLUE ? pg.green : pg.blue;
                    for (String d : differences(source, target)) {
                        flipDifferences.add(cutover + ": " + d);
                    }
                }
            }
        };
    }

    private static List<String> differences(PgServer a, PgServer b) {
        List<String> out = new ArrayList<>();
        for (String q : List.of("SELECT id, owner, balance FROM accounts ORDER BY id",
                "SELECT id, account_id, amount, token FROM transfers ORDER BY id")) {
            List<List<String>> left = a.rows(q);
            List<List<String>> right = b.rows(q);
            if (!left.equals(right)) {
                Set<List<String>> onlyLeft = new HashSet<>(left);
                right.forEach(onlyLeft::remove);
                Set<List<String>> onlyRight = new HashSet<>(right);
                left.forEach(onlyRight::remove);
                out.add(q + ": " + left.size() + " vs " + right.size() + " rows; only on source " + first(onlyLeft)
                        + ", only on target " + first(onlyRight));
            }
        }
        return out;
    }

    private static List<List<String>> first(Set<List<String>> rows) {
        return rows.stream().limit(5).toList();
    }

    private static Set<String> tokens(PgServer side) {
        Set<String> out = new HashSet<>();
        for (List<String> row : side.rows("SELECT token FROM transfers")) {
            out.add(row.get(0));
        }
        return out;
    }

    /** The write pause as the phases measured it, without the listener's comparison inside it. */
    private static Duration pause(CutoverResult result) {
        Duration total = Duration.ZERO;
        for (PhaseTiming p : result.phases()) {
            if (p.phase() != Phase.PREFLIGHT) {
                total = total.plus(p.duration());
            }
        }
        return total;
    }

    private static void report(List<Duration> pauses, int aborts) throws Exception {
        List<Long> micros = new ArrayList<>(pauses.stream().map(d -> d.toNanos() / 1_000).toList());
        Collections.sort(micros);
        long p50 = micros.get((int) Math.ceil(0.50 * micros.size()) - 1);
        long p99 = micros.get((int) Math.ceil(0.99 * micros.size()) - 1);
        String line = String.format("postgres load: %d cutovers, %d aborts retried, write pause p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms", micros.size(), aborts, p50 / 1000.0, p99 / 1000.0, micros.get(micros.size() - 1) / 1000.0);
        log.info(line);
        Path out = Path.of("target", "cutover-under-load.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line + System.lineSeparator());
    }

    private void write(ConnectionSwitcher switcher, int writer) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Long> myAccounts = new ArrayList<>();
        Deque<String> myTransfers = new ArrayDeque<>();
        long n = 0;
        while (running.get()) {
            String token = "w" + writer + "-" + n++;
            long amount = random.nextLong(1, 100);
            String deleted = null;
            Long newAccount = null;
            try (Connection c = switcher.getConnection()) {
                try {
                    if (myAccounts.isEmpty() || random.nextInt(3) == 0) {
                        newAccount = insertAccount(c, token);
                    }
                    long account = newAccount != null ? newAccount
                            : random.nextBoolean() ? myAccounts.get(random.nextInt(myAccounts.size()))
                            : random.nextLong(1, SEED_ACCOUNTS + 1);
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO transfers (account_id, amount, token) VALUES (?, ?, ?)")) {
                        ps.setLong(1, account);
                        ps.setLong(2, amount);
                        ps.setString(3, token);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
                        ps.setLong(1, amount);
                        ps.setLong(2, account);
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                    if (n % 5 == 0 && !myTransfers.isEmpty()) {
                        deleted = myTransfers.peekFirst();
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM transfers WHERE token = ?")) {
                            ps.setString(1, deleted);
                            assertThat(ps.executeUpdate()).isEqualTo(1);
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException | Error e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException | RuntimeException | Error e) {
                writerErrors.add(Thread.currentThread().getName() + ": " + e);
                return;
            }
            // acknowledged: the commit returned
            if (newAccount != null) {
                myAccounts.add(newAccount);
            }
            myTransfers.addLast(token);
            present.add(token);
            if (deleted != null) {
                myTransfers.removeFirst();
                present.remove(deleted);
            }
            ackedAmount.addAndGet(amount);
            acknowledged.incrementAndGet();
        }
    }

    private static long insertAccount(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner, balance) VALUES (?, 0) RETURNING id")) {
            ps.setString(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
