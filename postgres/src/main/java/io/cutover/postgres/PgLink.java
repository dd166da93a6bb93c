package io.cutover.postgres;

import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.Phase;
import io.cutover.PreflightException;
import io.cutover.ReplicationStream;
import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.spi.CaptureSpec;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.KeyHandoff;
import io.cutover.spi.Teardown;
import io.cutover.ReplicationLink;
import io.cutover.spi.WriteGuard;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One direction of replication between two PostgreSQL databases: a Debezium pgoutput stream
 * from source to target, the trigger guards on both, the sequence hand-off, and the reverse
 * direction set up on demand. Closing it closes the stream, which drops its slot and publication.
 * Thread-safe.
 */
final class PgLink implements ReplicationLink {

    private final PostgresCutover.Settings settings;
    private final PgEndpoint source;
    private final PgEndpoint target;
    private final PgNames names;
    private final PgCapture capture;
    private final ReplicationStream stream;
    private final PgGuard sourceGuard;
    private final PgGuard targetGuard;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgLink.class);
    // How long the early slot creation waits for transactions open on the target before leaving it to the pause.
    private static final long EARLY_SLOT_WAIT_MILLIS = 2_000;

    private final AtomicBoolean closed = new AtomicBoolean();
    // Made by prepareReverseBeforePause over the slot it created on the target; taken by prepareReverse.
    private final java.util.concurrent.atomic.AtomicReference<PgLink> pendingReverse = new java.util.concurrent.atomic.AtomicReference<>();
    private final io.cutover.spi.CaptureSpec spec;
    private final PgSession session;

    PgLink(PostgresCutover.Settings settings, Side sourceSide, boolean initialCopy) {
        this(settings, sourceSide, initialCopy, false);
    }

    /**
     * A link whose stream, if {@code startedByCutover}, retries a start that fails with a transient
     * error (a reverse stream started right after a flip) instead of failing.
     */
    PgLink(PostgresCutover.Settings settings, Side sourceSide, boolean initialCopy, boolean startedByCutover) {
        this.settings = settings;
        settings.openLinks.incrementAndGet();
        this.source = settings.endpoint(sourceSide);
        this.target = settings.endpoint(sourceSide.other());
        this.names = new PgNames(settings.name, sourceSide, settings.schema);
        this.capture = new PgCapture(source, names, settings.tables.on(sourceSide));
        Map<String, RowTransform> transforms = settings.tables.readFrom(sourceSide);
        PgDialect dialect = new PgDialect(source, names, settings.tables.on(sourceSide), settings.token);
        this.session = new PgSession(source, target, names, settings.tables.on(sourceSide), capture, dialect, !initialCopy);
        CaptureSpec.Builder config = CaptureSpec.builder()
                .name(names.stream())
                .dialect(dialect)
                .session(session)
                .source(source.dataSource())
                .target(target.dataSource())
                .fenceTable(names.fenceTable())
                .startTimeout(settings.startTimeout)
                .recoveryBudget(settings.recoveryBudget)
                .stallTimeout(settings.stallTimeout)
                .retryStart(startedByCutover)
                .sides(sourceSide.toString(), sourceSide.other().toString());
        transforms.forEach(config::transform);
        if (initialCopy) {
            // The copy creates the slot itself, to read the tables under the snapshot the slot exports.
            config.initialLoad(new PgInitialLoad(source, target, names, capture, dialect, settings.tables.on(sourceSide),
                    settings.tables.on(sourceSide.other()), settings.copyParallelism));
        }
        this.spec = config.build();
        this.stream = CaptureHost.load().open(spec);
        this.sourceGuard = guard(source);
        this.targetGuard = guard(target);
        settings.live.add(this);
    }

    private PgGuard guard(PgEndpoint endpoint) {
        return new PgGuard(endpoint, settings.schema, settings.tables.on(endpoint.side), settings.name, settings.token,
                settings.guardLockTimeout.toMillis());
    }

    @Override
    public Side source() {
        return source.side;
    }

    @Override
    public ReplicationStream stream() {
        return stream;
    }

    @Override
    public void preflight() {
        List<String> problems = new java.util.ArrayList<>();
        try {
            ReplicationStream.State state = stream.state();
            PgPreflight.source(source, names, settings.tables.on(source.side),
                    state == ReplicationStream.State.STREAMING || state == ReplicationStream.State.COPYING);
        } catch (PreflightException e) {
            problems.addAll(e.problems());
        }
        try {
            PgPreflight.target(target, names.reverse(), settings.tables.on(target.side));
        } catch (PreflightException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
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
        return new PgSequenceHandoff(source, target, settings.schema, settings.tables.on(source.side),
                settings.tables.on(target.side), settings.sequenceHeadroom);
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: creates the reverse slot and publication on the target now, while writes
     * flow (creating a slot waits for the target's open transactions), and the reverse link over
     * them. The slot then also retains what this link's stream applies on the target until the
     * pause; {@link #prepareReverse()} makes the reverse stream start past all of it.
     */
    @Override
    public List<String> prepareReverseBeforePause() {
        PgNames reverse = names.reverse();
        if (pendingReverse.get() != null) {
            return List.of("reverse slot " + reverse.slot() + " already created on " + target.side + " before the pause");
        }
        try {
            reverseCapture().setUp(Phase.PREFLIGHT, true, EARLY_SLOT_WAIT_MILLIS);
        } catch (io.cutover.CutoverException e) {
            if (!(e.getCause() instanceof java.sql.SQLException sql) || !"57014".equals(sql.getSQLState())) {
                throw e;
            }
            // A transaction open on the target that long (a stuck apply): the slot is made inside the pause, as
            // before, so the cutover still aborts in CATCH_UP rather than here.
            LOG.warn("reverse slot {} not created on {} before the pause: {}; it is created inside the pause",
                    reverse.slot(), target, e.getMessage());
            return List.of("reverse slot " + reverse.slot() + " not created before the pause (a transaction stayed open on "
                    + target.side + " for " + EARLY_SLOT_WAIT_MILLIS + " ms); created inside it");
        }
        PgLink link;
        try {
            link = new PgLink(settings, target.side, false, true);
        } catch (RuntimeException e) {
            reverseCapture().tearDown();
            throw e;
        }
        if (!pendingReverse.compareAndSet(null, link)) {
            link.close();
        }
        return List.of("reverse slot " + reverse.slot() + " created on " + target.side + " before the pause");
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: reads the target's WAL position on the control connection, with the statement
     * {@link #prepareReverse()} runs inside the pause. Reads only.
     */
    @Override
    public List<String> warmUp() {
        long started = System.nanoTime();
        long lsn;
        try {
            lsn = PgReverseStart.read(target, names.reverse().stream());
        } catch (io.cutover.CutoverException e) {
            throw new PreflightException("rehearsing the pause's statements before it failed: " + e.getMessage()
                    + "; check that " + target.side + " is up", e);
        }
        return List.of("pause statements rehearsed in " + (System.nanoTime() - started) / 1_000_000 + " ms: "
                + target.side + " WAL at " + org.postgresql.replication.LogSequenceNumber.valueOf(lsn).asString());
    }

    /** Closes the reverse link made before the pause, which drops its slot and publication on the target. */
    @Override
    public void discardReverse() {
        PgLink pending = pendingReverse.getAndSet(null);
        if (pending != null) {
            pending.close();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: with the slot and link made {@linkplain #prepareReverseBeforePause() before the
     * pause}, reads the target's current WAL position (after the catch-up: past every change this
     * link's stream applied there); the reverse stream stores it as its start offset when it first
     * starts, so that it skips those changes and captures every write after the flip. Without them,
     * creates the slot now.
     */
    @Override
    public ReplicationLink prepareReverse() {
        PgLink pending = pendingReverse.getAndSet(null);
        if (pending == null) {
            // Slot and publication on the target now, inside the pause: every later write is captured.
            reverseCapture().setUp(Phase.REVERSE, true);
            return new PgLink(settings, target.side, false, true);
        }
        long lsn;
        try {
            lsn = PgReverseStart.read(target, pending.names.stream());
        } catch (RuntimeException e) {
            pending.close();
            throw e;
        }
        // Stored on this link's source when the reverse stream first starts, after the pause.
        pending.session.storeStartBeforeStarting(() -> PgReverseStart.store(source, pending.names, pending.spec, lsn));
        return pending;
    }

    private PgCapture reverseCapture() {
        return new PgCapture(target, names.reverse(), settings.tables.on(target.side));
    }

    /**
     * Compares this link's source tables, through its transforms, with its target tables, reading
     * values as the initial copy does and re-checking differing rows after a fence on this link's
     * stream.
     */
    @Override
    public io.cutover.VerifyReport verify(io.cutover.VerifyOptions options) {
        io.cutover.Verifier.Builder verifier = io.cutover.Verifier.builder()
                .source(source.dataSource())
                .target(target.dataSource())
                .schemas(settings.schema, settings.schema)
                .options(options)
                .fence(stream)
                .values(PgRowValues::read);
        List<String> from = settings.tables.on(source.side);
        List<String> to = settings.tables.on(target.side);
        Map<String, RowTransform> transforms = settings.tables.readFrom(source.side);
        for (int i = 0; i < from.size(); i++) {
            verifier.table(from.get(i), to.get(i), transforms.getOrDefault(from.get(i), RowTransform.IDENTITY));
        }
        return verifier.build().run();
    }

    /** The names this link uses on its source; for tests and logs. */

    /** The tables as this link's source names them; for tests and logs. */

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                discardReverse();
                stream.close();
            } finally {
                settings.live.remove(this);
                settings.linkClosed();
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: closes this link (its stream drops its slot and publication), then removes
     * from both servers each direction's slot ({@code cutover_<name>_b2g} on blue,
     * {@code cutover_<name>_g2b} on green) and publication, the trigger guard
     * {@code cutover_guard_<name>} (function and triggers) on the side this link reads from and,
     * when asked, on the other, and the capture host's control tables. A slot still held by a
     * walsender after the options' timeout is not taken: the failure says which process holds it.
     */
    @Override
    public FinishReport finish(FinishOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        synchronized (settings.live) {
            Teardown.checkNoOtherLinkOpen(this, closed.get(), settings.live.stream().filter(l -> l != this).toList());
            return new PgFinish(settings, source.side, names.stream()).run(options, this::close);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL link " + names.stream() + " (" + source + " -> " + target + ")";
    }
}
