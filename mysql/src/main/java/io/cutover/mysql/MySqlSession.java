package io.cutover.mysql;

import io.cutover.spi.CaptureHost;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.Side;
import io.cutover.spi.CaptureSession;
import io.cutover.spi.CaptureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture session of one MySQL-family stream on its source: before each start it checks
 * both servers, removes a schema history that no longer fits, seeds a position for a stream that
 * has none and no copy, and reads what the connector settings depend on ({@link MySqlStart}),
 * which {@link MySqlDialect} turns into settings; close deletes the schema history. Called by the
 * capture host's lifecycle, one call at a time; {@link #checks()} may be read from any thread.
 */
final class MySqlSession implements CaptureSession {

    // Stores a start position fixed inside the write pause; run by the next start, then dropped.
    private final java.util.concurrent.atomic.AtomicReference<Runnable> pendingStart = new java.util.concurrent.atomic.AtomicReference<>();
    // Logged under the link, as before the session was split from it.
    private static final Logger LOG = LoggerFactory.getLogger(MySqlLink.class);

    private final MySqlSettings settings;
    private final Side sourceSide;
    private final EndpointDataSource sourceData;
    private final EndpointDataSource targetData;
    private final String streamName;
    private final boolean initialCopy;
    private final MySqlDialect dialect;
    private volatile List<String> checks = List.of();
    private volatile CaptureSpec spec; // set once by bind(), before the stream can start

    /**
     * Creates the session.
     *
     * @param settings the cutover's settings
     * @param sourceSide the side the stream reads
     * @param sourceData the source
     * @param targetData the target
     * @param streamName the stream's name
     * @param initialCopy whether the stream starts with a bulk copy
     * @param dialect computes the connector settings
     */
    MySqlSession(MySqlSettings settings, Side sourceSide, EndpointDataSource sourceData, EndpointDataSource targetData,
            String streamName, boolean initialCopy, MySqlDialect dialect) {
        this.settings = settings;
        this.sourceSide = sourceSide;
        this.sourceData = sourceData;
        this.targetData = targetData;
        this.streamName = streamName;
        this.initialCopy = initialCopy;
        this.dialect = dialect;
    }

    /**
     * Gives the session the spec of the stream it serves, which the host's start-position calls
     * name. Called once by the link, right after it built the spec and before the stream exists.
     *
     * @param spec the stream's spec
     */
    void bind(CaptureSpec spec) {
        this.spec = java.util.Objects.requireNonNull(spec, "spec");
    }

    /**
     * Has the next start store the stream's start position first (with {@code store}), before
     * it reads what the target holds for the stream.
     *
     * @param store writes the position; run once, or again on a later start if it fails
     */
    void storeStartBeforeStarting(Runnable store) {
        pendingStart.set(store);
    }

    @Override
    public Map<String, String> beforeStart() {
        long t0 = System.nanoTime();
        Runnable store = pendingStart.getAndSet(null);
        if (store != null) {
            try {
                store.run();
            } catch (RuntimeException e) {
                pendingStart.compareAndSet(null, store);
                throw e;
            }
        }
        try {
            Files.createDirectories(settings.stateDir);
        } catch (IOException e) {
            throw new CutoverException(Phase.PREFLIGHT, "cannot create the schema history directory "
                    + settings.stateDir + ": " + e.getMessage(), e);
        }
        Endpoint source = sourceData.endpoint();
        checks = MySqlPreflight.check(sourceSide.toString(), source, sourceSide.other().toString(), targetData.endpoint(),
                settings.tables.on(sourceSide), settings.tables.on(sourceSide.other()), settings.serverId(sourceSide),
                settings.appUsers);
        if (store == null) { // a position just stored was read from the source now: its file is there
            // Before anything is built on an offset whose binlog file is gone: its changes cannot be read.
            BinlogGapCheck.check(sourceData, sourceSide.toString(), targetData, sourceSide.other().toString(), streamName);
        }
        Flavour flavour = settings.flavour(sourceSide);
        // The engine parses the schema with the connector's DDL parser once it starts; the first
        // parse in a JVM is slow, so it happens now, alongside the copy.
        DdlParserWarmUp.start(flavour);
        CaptureHost.StoredStart storedStart = storedStart();
        boolean stored = storedStart != CaptureHost.StoredStart.NOTHING;
        if (storedStart != CaptureHost.StoredStart.OFFSET) {
            // A history without offsets is left over from a closed stream of the same name. One
            // beside a copy's marker was written by an engine started during a copy that did not
            // finish: it belongs to that copy's start, and the copy about to run fixes another, so
            // the new engine (built right after this, before the copy runs) must rebuild it.
            deleteSchemaHistory();
        }
        boolean seeded = false;
        if (!initialCopy && !stored) {
            // Without a copy the connector would read the binlog position only after its schema
            // snapshot, and miss what commits in between although start() has returned. Taking
            // the position now makes "every commit after start()" hold.
            ReverseSeed.seed(flavour, sourceData, spec);
            seeded = true;
        }
        List<String> captured = new ArrayList<>(settings.tables.on(sourceSide));
        captured.add(spec.fenceTable());
        boolean historyPresent = Files.isRegularFile(schemaHistory()) && size(schemaHistory()) > 0;
        // A stream about to copy has a position by the time its engine is built: the host stores the
        // copy's "started" marker first, and the copy's offset is in place before the engine reads it.
        MySqlStart start = new MySqlStart(flavour, captureEndpoint(flavour, source), streamName, settings.serverId(sourceSide),
                captured, settings.stateDir, historyPresent, stored || seeded || initialCopy);
        LOG.info("stream '{}': {} capture from {}, snapshot.mode={}, locking={}, server id {}", streamName, flavour,
                source.describe(), start.snapshotMode(), start.snapshotLocking(), start.serverId());
        LOG.debug("stream '{}': preflight took {} ms", streamName, (System.nanoTime() - t0) / 1_000_000);
        return dialect.connectorProperties(start);
    }

    @Override
    public void afterClose() {
        deleteSchemaHistory();
    }

    /**
     * Returns the warnings of the last checks, at start or by {@link #checked}.
     *
     * @return the warnings, possibly empty
     */
    List<String> checks() {
        return checks;
    }

    /**
     * Records the warnings of checks the link ran.
     *
     * @param warnings the warnings
     */
    void checked(List<String> warnings) {
        checks = List.copyOf(warnings);
    }

    /** Deletes the stream's schema history file, if any: its next engine rebuilds it. */
    void deleteSchemaHistory() {
        try {
            Files.deleteIfExists(schemaHistory());
        } catch (IOException e) {
            LOG.warn("stream '{}': could not delete its schema history {}", streamName, schemaHistory(), e);
        }
    }

    private Path schemaHistory() {
        return settings.stateDir.resolve(CaptureProperties.topicPrefix(streamName) + "-schema-history.dat");
    }

    // MariaDB's connector has no "preferred" TLS mode: what PREFERRED maps to insists on TLS, and a
    // server without it refuses the connector ("ssl not enabled in the server"). Connector/J's
    // PREFERRED means "TLS when the server offers it", so ask the server and say so.
    private Endpoint captureEndpoint(Flavour flavour, Endpoint source) {
        if (flavour != Flavour.MARIADB || !"PREFERRED".equalsIgnoreCase(source.sslMode())) {
            return source;
        }
        try (Connection c = sourceData.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT @@have_ssl");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next() && "YES".equalsIgnoreCase(rs.getString(1))) {
                return source;
            }
        } catch (SQLException e) {
            LOG.debug("stream '{}': could not read have_ssl on {}: {}", streamName, source.describe(), e.getMessage());
            return source;
        }
        LOG.info("stream '{}': {} offers no TLS (have_ssl is not YES); sslMode PREFERRED captures without it", streamName,
                source.describe());
        return new Endpoint(source.host(), source.port(), source.database(), source.user(), source.password(), "DISABLED");
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    // What the host keeps on the target for the stream's start.
    private CaptureHost.StoredStart storedStart() {
        try {
            return CaptureHost.load().storedStart(spec);
        } catch (SQLException e) {
            LOG.debug("stream '{}': could not read its stored start on {}: {}", streamName,
                    targetData.endpoint().describe(), e.getMessage());
            return CaptureHost.StoredStart.NOTHING;
        }
    }

    @Override
    public String toString() {
        return "MySQL-family capture session " + streamName + " on " + sourceData.endpoint().describe();
    }
}
