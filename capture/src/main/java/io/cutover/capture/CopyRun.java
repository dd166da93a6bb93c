package io.cutover.capture;

import io.cutover.spi.CaptureSpec;
import io.cutover.spi.InitialLoad;

import io.cutover.CutoverException;
import io.cutover.Phase;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a stream's bulk initial copy on its capture thread, and the copy's view of the
 * stream ({@link InitialLoad.Context}): reports to the stream's lifecycle that it copies, runs the
 * dialect's copy (after discarding an unfinished one), keeps the copy's ledger of target tables
 * ({@link CopyLedger}), rewrites the stream's fence row, records on the target where the engine
 * starts, registers that offset for the engine, releases the changes held while it copied and
 * reports how the copy ended; it writes no state itself. The engine
 * starts after it, or during it once the copy fixes where it begins ({@link #positionFixed}).
 * Confined to the capture thread, except {@link #copied} (any copying thread) and {@link
 * #cancelled} (any thread).
 */
final class CopyRun implements InitialLoad.Context {

    // Logged under the stream's name, as before the stream was split.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    private final CaptureSpec config;
    private final StreamLifecycle lifecycle;
    private final StartPoint.CopyNeeded copy;
    private final String token;
    private final String engineName;
    private final EngineRun engine;
    private final HeldUntilCopied held;
    private final CopyProgress progress;
    private final CopyLedger ledger;
    private InitialLoad.Start early; // confined to the capture thread

    /**
     * Prepares a copy.
     *
     * @param config the stream's configuration
     * @param lifecycle told when the copy starts, is done or failed
     * @param copy whether the copy is fresh or redone
     * @param token the registration of the stream's offset for the engine
     * @param engineName the engine's name
     * @param engine the run's engine, launched by this copy early or cancelled by a stop
     * @param held the engine's consumer, released once the copy finished
     */
    CopyRun(CaptureSpec config, StreamLifecycle lifecycle, StartPoint.CopyNeeded copy, String token, String engineName, EngineRun engine, HeldUntilCopied held) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.progress = new CopyProgress(config.name(), config.clock());
        this.ledger = new CopyLedger(config.target(), config.name());
        this.copy = copy;
        this.token = token;
        this.engineName = engineName;
        this.engine = engine;
        this.held = held;
    }

    /**
     * Copies, on the capture thread.
     *
     * @return false if the copy failed (the stream then failed) or was cancelled
     */
    boolean run() {
        if (!lifecycle.copyStarted()) {
            return false;
        }
        engine.markStarted();
        try {
            if (copy == StartPoint.CopyNeeded.REDO) {
                LOG.info("stream '{}': an earlier initial copy did not finish; discarding what it left and copying again", config.name());
                config.initialLoad().orElseThrow().discardPartialCopy(this);
                ledger.forget();
            }
            InitialLoad.Start start = config.initialLoad().orElseThrow().copy(this);
            if (engine.cancelled()) {
                return false;
            }
            if (early != null && !early.equals(start)) {
                throw new IllegalStateException("the copy fixed the stream's start at " + early + " but returned " + start);
            }
            reemitFence();
            ledger.forget();
            OffsetTable.Stored done = stored(start);
            try (Connection target = config.target().getConnection()) {
                target.setAutoCommit(true);
                new OffsetTable(config.dialect()).write(target, config.name(), done, config.clock().millis());
            }
            if (start.offset() != null && early == null) {
                TargetOffsetStore.register(token, done.key(), done.value());
            }
            LOG.info("stream '{}': initial copy finished: {}", config.name(), progress.summary());
            // Only now may streamed changes overwrite the done marker with their offsets and touch copied rows.
            if (!held.release()) {
                return false;
            }
            if (engine.polling()) {
                lifecycle.copyDone();
            }
            return true;
        } catch (InterruptedException e) {
            LOG.info("stream '{}': initial copy stopped after {}; the next start copies again", config.name(), progress.summary());
            return false;
        } catch (SQLException | RuntimeException e) {
            if (engine.cancelled()) {
                LOG.info("stream '{}': initial copy stopped after {} ({}); the next start copies again", config.name(),
                        progress.summary(), e.getMessage());
                return false;
            }
            CutoverException failed = new CutoverException(Phase.PREFLIGHT, "stream '" + config.name()
                    + "': the initial copy failed after " + progress.summary() + ": " + e.getMessage()
                    + "; the next start discards what it copied and copies again", e);
            lifecycle.copyFailed(failed);
            return false;
        }
    }

    private OffsetTable.Stored stored(InitialLoad.Start start) {
        return start.offset() == null ? CopyMarker.DONE
                : new OffsetTable.Stored(new OffsetCodec(engineName).key(start.partition()),
                        new OffsetCodec(engineName).value(start.offset()), 0L);
    }

    // A fence written while the copy began (awaitFence is allowed while COPYING) may sit before the
    // copy's snapshot or slot, where the stream never sees it, and its waiter would time out. The
    // copy holds everything committed before it, so the fence may be acknowledged: rewriting the
    // row now streams its latest id after the copy.
    private void reemitFence() throws SQLException {
        try (Connection source = config.source().getConnection()) {
            source.setAutoCommit(true);
            config.dialect().prepareFenceSession(source);
            FenceTable.touch(source, config.fenceTable(), config.name());
        }
    }

    @Override
    public void recordTable(String targetTable, boolean wasEmpty) throws SQLException {
        ledger.record(java.util.Objects.requireNonNull(targetTable, "targetTable"), wasEmpty);
        progress.recorded(targetTable);
    }

    @Override
    public java.util.Map<String, Boolean> recordedTables() throws SQLException {
        return ledger.recorded();
    }

    @Override
    public void forgetRecordedTables() throws SQLException {
        ledger.forget();
    }

    @Override
    public String stream() {
        return config.name();
    }

    @Override
    public javax.sql.DataSource source() {
        return config.source();
    }

    @Override
    public javax.sql.DataSource target() {
        return config.target();
    }

    @Override
    public io.cutover.RowTransform transform(String sourceTable) {
        return config.transform(sourceTable);
    }

    @Override
    public boolean cancelled() {
        return engine.cancelled() || Thread.currentThread().isInterrupted();
    }

    @Override
    public void copied(String table, long rows) {
        progress.add(table, rows);
    }

    @Override
    public void tablePlanned(String sourceTable, long estimatedRows) {
        progress.planned(sourceTable, estimatedRows);
    }

    @Override
    public void tableCopied(String sourceTable) {
        progress.tableDone(sourceTable);
    }

    /** Returns this copy's progress, for the stream's status. */
    CopyProgress progress() {
        return progress;
    }

    @Override
    public void positionFixed(InitialLoad.Start start) {
        java.util.Objects.requireNonNull(start, "start");
        if (early != null) {
            throw new IllegalStateException("stream '" + config.name() + "': the copy fixed its start twice");
        }
        early = start;
        if (start.offset() != null) {
            OffsetTable.Stored at = stored(start);
            TargetOffsetStore.register(token, at.key(), at.value());
        }
        Thread t = engine.newThread();
        t.setDaemon(true);
        if (engine.launch(t)) {
            LOG.info("stream '{}': engine starting while the copy runs; its changes wait for the copy", config.name());
        }
        // else stopped meanwhile: the copy sees it cancelled and ends
    }
}
