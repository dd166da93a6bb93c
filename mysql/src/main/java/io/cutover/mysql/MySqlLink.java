package io.cutover.mysql;

import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.ReplicationStream;
import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.spi.CaptureSpec;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.KeyHandoff;
import io.cutover.spi.Teardown;
import io.cutover.ReplicationLink;
import io.cutover.spi.WriteGuard;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One direction of replication between two MySQL-family servers: a Debezium binlog stream from
 * source to target run by core's capture host, read_only guards on both ends, the AUTO_INCREMENT
 * hand-off, and the reverse direction set up on demand from a binlog position taken inside the
 * pause. Closing it closes the stream and deletes its schema history file. Thread-safe.
 */
final class MySqlLink implements ReplicationLink {

    private final MySqlSettings settings;
    private final Side sourceSide;
    private final Endpoint source;
    private final Endpoint target;
    private final String streamName;
    private final EndpointDataSource sourceData;
    private final EndpointDataSource targetData;
    private final CaptureSpec spec;
    private final ReplicationStream stream;
    private final ReadOnlyGuard sourceGuard;
    private final ReadOnlyGuard targetGuard;
    private final MySqlSession session;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object spareLock = new Object();
    // A warm pool on this link's source for the reverse link to write its start position and
    // apply through: built in preflight, so that the reverse step inside the pause logs in to nothing.
    private EndpointDataSource reverseTarget; // guarded by spareLock
    // The reverse link built before the pause by prepareReverseBeforePause; taken by prepareReverse.
    private MySqlLink pendingReverse; // guarded by spareLock

    MySqlLink(MySqlSettings settings, Side sourceSide, boolean initialCopy) {
        this(settings, sourceSide, initialCopy, false, null);
    }

    /**
     * A link whose stream, if {@code startedByCutover}, retries a start that fails with a transient
     * error (a reverse stream started right after a flip) instead of failing.
     *
     * @param warmTarget a pool on the target to own, already warm; null to make one
     */
    private MySqlLink(MySqlSettings settings, Side sourceSide, boolean initialCopy, boolean startedByCutover,
            EndpointDataSource warmTarget) {
        this.settings = settings;
        this.sourceSide = sourceSide;
        this.source = settings.endpoint(sourceSide);
        this.target = settings.endpoint(sourceSide.other());
        this.streamName = streamName(settings, sourceSide);
        this.sourceData = settings.dataSource(sourceSide);
        this.targetData = warmTarget != null ? warmTarget : settings.dataSource(sourceSide.other());
        Map<String, RowTransform> transforms = settings.tables.readFrom(sourceSide);
        MySqlDialect dialect = new MySqlDialect(target.database());
        this.session = new MySqlSession(settings, sourceSide, sourceData, targetData, streamName, initialCopy, dialect);
        CaptureSpec.Builder config = CaptureSpec.builder()
                .name(streamName)
                .dialect(dialect)
                .session(session)
                .source(sourceData)
                .target(targetData)
                .startTimeout(settings.startTimeout)
                .recoveryBudget(settings.recoveryBudget)
                .stallTimeout(settings.stallTimeout)
                .retryStart(startedByCutover)
                .sides(sourceSide.toString(), sourceSide.other().toString());
        transforms.forEach(config::transform);
        if (initialCopy) {
            config.initialLoad(new BulkCopy(() -> settings.flavour(sourceSide), source, target,
                    settings.tables.on(sourceSide), streamName, settings.copyParallelism,
                    Math.max(1, (settings.guardLockWait.toMillis() + 999) / 1000)));
        }
        this.spec = config.build();
        session.bind(spec);
        this.stream = CaptureHost.load().open(spec);
        // Flavours are looked up on first use, so that building a link connects to nothing.
        this.sourceGuard = new ReadOnlyGuard(sourceSide.toString(), source, () -> settings.flavour(sourceSide),
                settings.guardLockWait, false);
        this.targetGuard = new ReadOnlyGuard(sourceSide.other().toString(), target,
                () -> settings.flavour(sourceSide.other()), settings.guardLockWait, false);
        settings.live.add(this);
    }

    static String streamName(MySqlSettings settings, Side sourceSide) {
        return settings.name + "_" + sourceSide + "_to_" + sourceSide.other();
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
        session.checked(warnings);
        // Log in now, so that the guard, the fence, the hand-off and the reverse position cost no
        // login (nor TLS handshake) inside the pause.
        sourceGuard.warmUp();
        targetGuard.warmUp();
        warmUp(sourceData, sourceSide);
        warmUp(targetData, sourceSide.other());
        synchronized (spareLock) {
            if (reverseTarget == null) {
                reverseTarget = settings.dataSource(sourceSide);
            }
            warmUp(reverseTarget, sourceSide);
        }
    }

    private static void warmUp(EndpointDataSource data, Side side) {
        try {
            data.warmUp();
        } catch (SQLException e) {
            throw new io.cutover.PreflightException(MySqlPreflight.connectProblem(side.toString(), data.endpoint(), e), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>MySQL family: reads {@code @@global.read_only} through each guard's warm connection
     * (with the timer that bounds an engage scheduled and cancelled), and the target's binlog
     * position through the pool the reverse step reads it from, with the statements the pause
     * runs. Reads only.
     */
    @Override
    public List<String> warmUp() {
        long started = System.nanoTime();
        boolean sourceReadOnly;
        boolean targetReadOnly;
        Map<String, Object> position;
        try {
            sourceReadOnly = sourceGuard.rehearse();
            targetReadOnly = targetGuard.rehearse();
            position = ReverseSeed.read(settings.flavour(sourceSide.other()), targetData);
        } catch (io.cutover.PreflightException e) {
            throw e;
        } catch (io.cutover.CutoverException e) {
            throw new io.cutover.PreflightException("rehearsing the pause's statements before it failed: "
                    + e.getMessage() + "; check that both servers are up (the reverse stream needs log_bin=ON on "
                    + sourceSide.other() + ")", e);
        }
        return List.of("pause statements rehearsed in " + (System.nanoTime() - started) / 1_000_000 + " ms: read_only "
                + sourceSide + "=" + (sourceReadOnly ? "ON" : "OFF") + ", " + sourceSide.other() + "="
                + (targetReadOnly ? "ON" : "OFF") + "; " + sourceSide.other() + " binlog at " + position.get("file")
                + ":" + position.get("pos") + (sourceReadOnly ? "; " + sourceSide + " refuses the application's writes before the"
                        + " pause: if a cutover's process died with its guard engaged and the fleet still records "
                        + sourceSide + " live, Cutover.liftLeftoverGuard(switcher, link) lifts it" : ""));
    }

    @Override
    public List<String> checks() {
        return session.checks();
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

    /**
     * Compares this link's source tables, through its transforms, with its target tables, and
     * re-checks differing rows after a fence on this link's stream. TIME values are read as text,
     * as the copy reads them (they may lie outside a day).
     */
    @Override
    public io.cutover.VerifyReport verify(io.cutover.VerifyOptions options) {
        io.cutover.Verifier.Builder verifier = io.cutover.Verifier.builder()
                .source(sourceData)
                .target(targetData)
                .schemas(source.database(), target.database())
                .options(options)
                .fence(stream)
                .values((rs, column, type) -> "TIME".equalsIgnoreCase(type) ? rs.getString(column)
                        : io.cutover.spi.ColumnValues.JDBC.read(rs, column, type));
        List<String> from = settings.tables.on(sourceSide);
        List<String> to = settings.tables.on(sourceSide.other());
        Map<String, RowTransform> transforms = settings.tables.readFrom(sourceSide);
        for (int i = 0; i < from.size(); i++) {
            verifier.table(from.get(i), to.get(i), transforms.getOrDefault(from.get(i), RowTransform.IDENTITY));
        }
        return verifier.build().run();
    }

    /**
     * {@inheritDoc}
     *
     * <p>MySQL family: builds the reverse link (over the warm pool made in preflight) and deletes
     * its old schema history now, so that {@link #prepareReverse()} inside the pause only reads
     * the target's binlog position and stores it.
     */
    @Override
    public List<String> prepareReverseBeforePause() {
        MySqlLink reverse = buildReverse();
        synchronized (spareLock) {
            if (pendingReverse == null) {
                pendingReverse = reverse;
                reverse = null;
            }
        }
        if (reverse != null) {
            reverse.close();
        }
        return List.of();
    }

    @Override
    public void discardReverse() {
        MySqlLink pending;
        synchronized (spareLock) {
            pending = pendingReverse;
            pendingReverse = null;
        }
        if (pending != null) {
            pending.close();
        }
    }

    @Override
    public ReplicationLink prepareReverse() {
        MySqlLink reverse;
        synchronized (spareLock) {
            reverse = pendingReverse;
            pendingReverse = null;
        }
        if (reverse == null) {
            reverse = buildReverse();
        }
        Map<String, Object> start;
        try {
            start = ReverseSeed.read(settings.flavour(sourceSide.other()), targetData);
        } catch (RuntimeException e) {
            reverse.close();
            throw e;
        }
        // Stored on this link's source (through the reverse link's warm pool) when the reverse
        // stream first starts, after the pause: inside it the position is only read.
        MySqlLink taken = reverse;
        reverse.session.storeStartBeforeStarting(() -> ReverseSeed.store(taken.spec, start));
        return reverse;
    }

    // The reverse link over the spare pool, its stream not started and its old schema history gone.
    private MySqlLink buildReverse() {
        EndpointDataSource spare;
        synchronized (spareLock) {
            spare = reverseTarget;
            reverseTarget = null;
        }
        MySqlLink reverse;
        try {
            reverse = new MySqlLink(settings, sourceSide.other(), false, true, spare);
        } catch (RuntimeException e) {
            if (spare != null) {
                spare.close();
            }
            throw e;
        }
        reverse.session.deleteSchemaHistory();
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
            synchronized (spareLock) {
                if (reverseTarget != null) {
                    reverseTarget.close();
                    reverseTarget = null;
                }
            }
            discardReverse();
            settings.live.remove(this);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>MySQL family: closes this link (its stream deletes its schema history), then turns
     * {@code read_only} off on the side this link reads from if this link's guard set it, and on
     * the other side only when asked (else reports it left in place), removes the capture host's
     * control tables from both servers and both streams' schema history files. Binlog capture
     * holds nothing on the server to release.
     */
    @Override
    public FinishReport finish(FinishOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        synchronized (settings.live) {
            Teardown.checkNoOtherLinkOpen(this, closed.get(), settings.live.stream().filter(l -> l != this).toList());
            return new MySqlFinish(settings, sourceSide, streamName, spec.fenceTable(), sourceGuard.engaged())
                    .run(options, this::close);
        }
    }

    @Override
    public String toString() {
        return "MySQL-family link " + streamName + " (" + source.describe() + " -> " + target.describe() + ")";
    }
}
