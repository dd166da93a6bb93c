package io.cutover.examples.bench;

import io.cutover.ReplicationLink;
import io.cutover.TlsMode;
import io.cutover.VerifyOptions;
import io.cutover.VerifyReport;
import io.cutover.mysql.MySqlCutover;
import io.cutover.postgres.PostgresCutover;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How fast {@link ReplicationLink#verify(VerifyOptions)} compares blue and green: N rows filled on
 * both sides alike, a link streaming without a copy, then one verify with no writes and one with
 * writer threads updating and inserting flat out on blue, each connection its own thread. Prints
 * rows/s of both, the writes/s during the second, and what each found (both must be clean).
 *
 * <pre>
 * java -cp ... io.cutover.examples.bench.VerifyBench [--rows N] [--writers W] [--chunk C] [--only postgres|mariadb]
 * </pre>
 */
public final class VerifyBench {
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private VerifyBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int writers = 4;
        int chunk = 1000;
        String only = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + "; flags: --rows N --writers W --chunk C --only postgres|mariadb");
            }
        }
        VerifyOptions options = VerifyOptions.defaults().withChunkSize(chunk);
        List<String> lines = new ArrayList<>();
        if (!only.equals("mariadb")) {
            lines.addAll(postgres(rows, writers, options));
        }
        if (!only.equals("postgres")) {
            lines.addAll(mariadb(rows, writers, options));
        }
        System.out.printf("%nverify, %,d rows, chunks of %d, %d writers, load average %.1f%n", rows, chunk, writers,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        lines.forEach(System.out::println);
    }

    private static List<String> postgres(long rows, int writers, VerifyOptions options) throws Exception {
        try (ServerPair<PostgresServer> pair = PostgresServer.startPair()) {
            String fill = "INSERT INTO items SELECT g, 'item ' || g, (g * 101 % 100000) / 100.0,"
                    + " timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second', int8send(g), g % 3 = 0"
                    + " FROM generate_series(1, " + rows + ") g";
            for (PostgresServer s : List.of(pair.blue(), pair.green())) {
                s.exec("CREATE TABLE items (id bigint PRIMARY KEY, name text, amount numeric(12,2), at timestamptz,"
                        + " data bytea, flag boolean)", fill, "VACUUM ANALYZE items");
            }
            ReplicationLink link = PostgresCutover.builder().name("vbench")
                    .blue(pair.blue().jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)
                    .green(pair.green().jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)
                    .tables("items").initialCopy(false).startTimeout(LIMIT).build();
            try (link) {
                return measure("PostgreSQL 17", link, () -> pair.blue().dataSource().getConnection(), rows, writers,
                        options);
            }
        }
    }

    private static List<String> mariadb(long rows, int writers, VerifyOptions options) throws Exception {
        Path base = Files.createTempDirectory("cutover-verify-bench-");
        try (ServerPair<MariaDbServer> pair = ServerPair.start(() -> server(base, "vbench-blue", 31),
                () -> server(base, "vbench-green", 32))) {
            for (MariaDbServer s : List.of(pair.blue(), pair.green())) {
                s.exec("bench", "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(12,2),"
                        + " at DATETIME(6), data VARBINARY(16), flag BOOLEAN)",
                        "INSERT INTO items SELECT seq, CONCAT('item ', seq), (seq * 101 % 100000) / 100,"
                        + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND, UNHEX(LPAD(HEX(seq), 16, '0')),"
                        + " seq % 3 = 0 FROM seq_1_to_" + rows);
            }
            ReplicationLink link = MySqlCutover.builder().name("vbench")
                    .blue("127.0.0.1", pair.blue().port(), "bench", MariaDbServer.ADMIN_USER, MariaDbServer.ADMIN_PASSWORD)
                    .green("127.0.0.1", pair.green().port(), "bench", MariaDbServer.ADMIN_USER,
                            MariaDbServer.ADMIN_PASSWORD)
                    .tables("items").initialCopy(false).tls(TlsMode.DISABLE).startTimeout(LIMIT).build();
            try (link) {
                return measure("MariaDB 11", link, () -> pair.blue().admin("bench"), rows, writers, options);
            }
        }
    }

    private static MariaDbServer server(Path base, String name, int serverId) {
        return MariaDbServer.builder().name(name).serverId(serverId).baseDirectory(base)
                .option("innodb-buffer-pool-size", "256M").database("bench").start();
    }

    /** Opens a connection to blue. */
    @FunctionalInterface
    private interface Connect {
        Connection open() throws SQLException;
    }

    private static List<String> measure(String label, ReplicationLink link, Connect blue, long rows, int writers,
            VerifyOptions options) throws Exception {
        link.stream().start();
        link.stream().awaitFence(LIMIT);
        link.verify(options); // warm-up on a cold JIT and cold caches: not counted
        VerifyReport quiet = link.verify(options);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < writers; t++) {
            long own = rows + 1 + t * 100_000_000L;
            Thread w = new Thread(() -> write(blue, rows, own, running, writes, failure), "verify-bench-writer-" + t);
            w.setDaemon(true);
            threads.add(w);
            w.start();
        }
        long w0 = writes.get();
        long t0 = System.nanoTime();
        VerifyReport busy = link.verify(options);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long during = writes.get() - w0;
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a writer failed", failure.get());
        }
        String lower = label.toLowerCase(Locale.ROOT);
        return List.of(
                String.format("%s, no writes: %,.0f rows/s (%,d rows in %.1f s), %s", lower, quiet.rowsPerSecond(),
                        quiet.rowsCompared(), quiet.duration().toMillis() / 1000.0, verdict(quiet)),
                String.format("%s, %d writers on blue (%,.0f writes/s during it): %,.0f rows/s (%,d rows in %.1f s), %s",
                        lower, writers, during / seconds, busy.rowsPerSecond(), busy.rowsCompared(),
                        busy.duration().toMillis() / 1000.0, verdict(busy)));
    }

    private static String verdict(VerifyReport r) {
        long unsettled = r.tables().stream().mapToLong(t -> t.unsettled()).sum();
        return (r.isClean() ? "clean" : r.differing().size() + " tables differ " + r.differing())
                + (unsettled > 0 ? ", " + unsettled + " rows still changing" : "");
    }

    // Updates random rows (two in three writes) and inserts its own, each write its own transaction.
    private static void write(Connect blue, long rows, long own, AtomicBoolean running, AtomicLong writes,
            AtomicReference<Throwable> failure) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long next = own;
        try (Connection c = blue.open();
                PreparedStatement update = c.prepareStatement("UPDATE items SET name = ?, amount = ? WHERE id = ?");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO items (id, name, amount, flag) VALUES (?, ?, ?, ?)")) {
            c.setAutoCommit(true);
            while (running.get()) {
                if (random.nextInt(3) < 2) {
                    update.setString(1, "w" + random.nextInt(1_000_000));
                    update.setBigDecimal(2, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
                    update.setLong(3, 1 + random.nextLong(rows));
                    update.executeUpdate();
                } else {
                    insert.setLong(1, next++);
                    insert.setString(2, "inserted");
                    insert.setBigDecimal(3, BigDecimal.ONE);
                    insert.setBoolean(4, true);
                    insert.executeUpdate();
                }
                writes.incrementAndGet();
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }
}
