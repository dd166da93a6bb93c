package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.ReplicationStream;
import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.spi.CaptureSpec;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.KeyHandoff;
import io.cutover.ReplicationLink;
import io.cutover.spi.WriteGuard;
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
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of replication between two MySQL-family servers: a Debezium binlog stream from
 * source to target run by core's capture host, read_only guards on both ends, the AUTO_INCREMENT
 * hand-off, and the reverse direction set up on demand from a binlog position taken inside the
 * pause. Closing it closes the stream and deletes its schema history file. Thread-safe.
 */
final class MySqlLink implements ReplicationLink {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlLink.class);
    // The offset key the host stores for a bulk copy that has begun (core's CopyMarker), in place of an offset.
    private static final String COPY_MARKER_KEY = "cutover:initial-copy";

    private final MySqlSettings settings;
    private final Side sourceSide;
    private final Endpoint source;
    private final Endpoint target;
    private final String streamName;
    private final boolean initialCopy;
    private final EndpointDataSource sourceData;
    private final EndpointDataSource targetData;
    private final ReplicationStream stream;
    private final ReadOnlyGuard sourceGuard;
    private final ReadOnlyGuard targetGuard;
    private volatile List<String> checks = List.of();
    private final AtomicBoolean closed = new AtomicBoolean();

    MySqlLink(MySqlSettings settings, Side sourceSide, boolean initialCopy) {
        this.settings = settings;
        this.sourceSide = sourceSide;
        this.source = settings.endpoint(sourceSide);
        this.target = settings.endpoint(sourceSide.other());
        this.streamName = streamName(settings, sourceSide);
        this.initialCopy = initialCopy;
        this.sourceData = settings.dataSource(sourceSide);
        this.targetData = settings.dataSource(sourceSide.other());
        Map<String, RowTransform> transforms = settings.tables.readFrom(sourceSide);
        CaptureSpec.Builder config = CaptureSpec.builder()
                .name(streamName)
                .dialect(new MySqlDialect(target.database(), this::connectorProperties))
                .source(sourceData)
                .target(targetData)
                .startTimeout(settings.startTimeout)
                .onStart(this::preflightStream)
                .onClose(this::deleteSchemaHistory);
        transforms.forEach(config::transform);
        if (initialCopy) {
            config.initialLoad(new BulkCopy(() -> settings.flavour(sourceSide), source, target,
                    settings.tables.on(sourceSide), streamName, settings.copyParallelism,
                    Math.max(1, (settings.guardLockWait.toMillis() + 999) / 1000)));
        }
        this.stream = CaptureHost.load().open(config.build());
        // Flavours are looked up on first use, so that building a link connects to nothing.
        this.sourceGuard = new ReadOnlyGuard(sourceSide.toString(), source, () -> settings.flavour(sourceSide),
                settings.guardLockWait, false);
        this.targetGuard = new ReadOnlyGuard(sourceSide.other().toString(), target,
                () -> settings.flavour(sourceSide.other()), settings.guardLockWait, false);
    }

    static String streamName(MySqlSettings settings, Side sourceSide) {
        return settings.name + "_" + sourceSide + "_to_" + sourceSide.other();
    }

    private Path schemaHistory() {
        return settings.stateDir.resolve(CaptureProperties.topicPrefix(streamName) + "-schema-history.dat");
    }

    // Called by the host when the stream starts, after onStart.
    private Properties connectorProperties() {
        Flavour flavour = settings.flavour(sourceSide);
        // The connector never copies rows itself: BulkCopy does, and fixes where the stream
        // begins before the engine is built (the engine starts while the rows are copied).
        String mode = "no_data";
        // Every start has a position of its own by now (the copy's, or one stored before a stream
        // without a copy starts), so the connector never reads a binlog position under this lock.
        String locking = CaptureProperties.DEFAULT_SNAPSHOT_LOCKING;
        boolean historyPresent = Files.isRegularFile(schemaHistory()) && size(schemaHistory()) > 0;
        if (!historyPresent && offsetsStored()) {
            // Offsets but no schema history (a stream right after its bulk copy, a reverse stream
            // seeded in the pause, or a lost file): rebuild the history from the live schema and
            // stream from the stored position. No lock: the target side is live by then, and the
            // pause already ruled out DDL. (The host stores a copy's "started" marker before the
            // engine is built, so a stream about to copy takes this branch too; the copy's offset
            // is in place by the time the engine reads it.)
            mode = "recovery";
            locking = "none";
        }
        List<String> captured = new ArrayList<>(settings.tables.on(sourceSide));
        captured.add(io.cutover.spi.CaptureSpec.DEFAULT_FENCE_TABLE);
        Properties p = CaptureProperties.of(flavour, captureEndpoint(flavour), streamName, settings.serverId(sourceSide),
                captured, settings.stateDir, mode, locking);
        LOG.info("stream '{}': {} capture from {}, snapshot.mode={}, locking={}, server id {}", streamName, flavour,
                source.describe(), mode, locking, settings.serverId(sourceSide));
        return p;
    }

    // MariaDB's connector has no "preferred" TLS mode: what PREFERRED maps to insists on TLS, and a
    // server without it refuses the connector ("ssl not enabled in the server"). Connector/J's
    // PREFERRED means "TLS when the server offers it", so ask the server and say so.
    private Endpoint captureEndpoint(Flavour flavour) {
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

    private boolean offsetsStored() {
        return storedOffsetKey().isPresent();
    }

    // The key of the stream's offset row on the target, empty if none.
    private Optional<String> storedOffsetKey() {
        try (Connection c = targetData.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT offset_key FROM " + MySqlSql.qualified(target.database(), ReverseSeed.OFFSETS_TABLE) + " WHERE stream = ?")) {
            ps.setString(1, streamName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(String.valueOf(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            // No offsets table yet: nothing stored.
            return Optional.empty();
        }
    }

    private void preflightStream() {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(settings.stateDir);
        } catch (IOException e) {
            throw new CutoverException(Phase.PREFLIGHT, "cannot create the schema history directory "
                    + settings.stateDir + ": " + e.getMessage(), e);
        }
        checks = MySqlPreflight.check(sourceSide.toString(), source, sourceSide.other().toString(), target,
                settings.tables.on(sourceSide), settings.tables.on(sourceSide.other()), settings.serverId(sourceSide),
                settings.appUsers);
        // The engine parses the schema with the connector's DDL parser once it starts; the first
        // parse in a JVM is slow, so it happens now, alongside the copy.
        DdlParserWarmUp.start(settings.flavour(sourceSide));
        Optional<String> storedKey = storedOffsetKey();
        boolean stored = storedKey.isPresent();
        if (!stored || COPY_MARKER_KEY.equals(storedKey.get())) {
            // A history without offsets is left over from a closed stream of the same name. One
            // beside a copy's marker was written by an engine started during a copy that did not
            // finish: it belongs to that copy's start, and the copy about to run fixes another, so
            // the new engine (built right after this, before the copy runs) must rebuild it.
            deleteSchemaHistory();
        }
        if (!initialCopy && !stored) {
            // Without a copy the connector would read the binlog position only after its schema
            // snapshot, and miss what commits in between although start() has returned. Taking
            // the position now makes "every commit after start()" hold.
            ReverseSeed.seed(settings.flavour(sourceSide), sourceData, targetData, streamName);
        }
        LOG.debug("stream '{}': preflight took {} ms", streamName, (System.nanoTime() - t0) / 1_000_000);
    }

    private void deleteSchemaHistory() {
        try {
            Files.deleteIfExists(schemaHistory());
        } catch (IOException e) {
            LOG.warn("stream '{}': could not delete its schema history {}", streamName, schemaHistory(), e);
        }
    }

    @Override
    public Side source() {
        return sourceSide;
    }

    @Override
    public ReplicationStream stream() {
        return stream;
    }

    @Override
    public void preflight() {
        List<String> warnings = MySqlPreflight.check(sourceSide.toString(), source, sourceSide.other().toString(),
                target, settings.tables.on(sourceSide), settings.tables.on(sourceSide.other()),
                settings.serverId(sourceSide), settings.appUsers);
        checks = warnings;
        // Log in now, so that the guard, the fence, the hand-off and the reverse position cost no
        // login (nor TLS handshake) inside the pause.
        sourceGuard.warmUp();
        targetGuard.warmUp();
        warmUp(sourceData, sourceSide);
        warmUp(targetData, sourceSide.other());
    }

    private static void warmUp(EndpointDataSource data, Side side) {
        try {
            data.warmUp();
        } catch (SQLException e) {
            throw new io.cutover.PreflightException(MySqlPreflight.connectProblem(side.toString(), data.endpoint(), e), e);
        }
    }

    @Override
    public List<String> checks() {
        return checks;
    }

    @Override
    public WriteGuard sourceGuard() {
        return sourceGuard;
    }

    @Override
    public WriteGuard targetGuard() {
        return targetGuard;
    }

    @Override
    public KeyHandoff keyHandoff() {
        return new AutoIncrementHandoff(sourceData, targetData, settings.tables.on(sourceSide),
                settings.tables.on(sourceSide.other()), settings.autoIncrementHeadroom);
    }

    @Override
    public ReplicationLink prepareReverse() {
        Side reverseSource = sourceSide.other();
        MySqlLink reverse = new MySqlLink(settings, reverseSource, false);
        reverse.deleteSchemaHistory();
        ReverseSeed.seed(settings.flavour(reverseSource), targetData, sourceData, streamName(settings, reverseSource));
        return reverse;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stream.close();
            sourceGuard.close();
            targetGuard.close();
            sourceData.close();
            targetData.close();
        }
    }

    @Override
    public String toString() {
        return "MySQL-family link " + streamName + " (" + source.describe() + " -> " + target.describe() + ")";
    }
}
