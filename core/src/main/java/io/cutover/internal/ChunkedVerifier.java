package io.cutover.internal;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.TableDiff;
import io.cutover.VerifyOptions;
import io.cutover.VerifyProgress;
import io.cutover.VerifyReport;
import io.cutover.Verifier;
import io.cutover.spi.ColumnValues;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Verifier} that compares tables one after the other in primary-key chunks (see
 * {@link TableRun}), one connection per side for the whole run. Immutable; each
 * {@link #run()} keeps its state on its own thread.
 */
public final class ChunkedVerifier implements Verifier {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkedVerifier.class);

    /**
     * What a built verifier holds.
     *
     * @param source source connections
     * @param target target connections
     * @param sourceSchema the source tables' schema, or null for the current one
     * @param targetSchema the target tables' schema, or null for the current one
     * @param tables the tables, in order
     * @param options chunk size, cap, re-checks, fence timeout
     * @param fence makes the target catch up with the source
     * @param values reads column values
     * @param clock times the run
     * @param progress the listener
     * @param progressInterval least time between two progress log lines
     */
    public record Settings(DataSource source, DataSource target, String sourceSchema, String targetSchema,
            List<VerifyTable> tables, VerifyOptions options, Runnable fence, ColumnValues values, Clock clock,
            Consumer<VerifyProgress> progress, Duration progressInterval) {
    }

    private final Settings settings;

    /**
     * Creates a verifier.
     *
     * @param settings what it compares and how
     */
    public ChunkedVerifier(Settings settings) {
        this.settings = settings;
    }

    @Override
    public VerifyReport run() {
        Progress progress = new Progress(settings.clock().instant());
        List<TableDiff> diffs = new ArrayList<>();
        for (VerifyTable table : settings.tables()) {
            progress.table = table.sourceTable();
            try (Connection source = settings.source().getConnection();
                    Connection target = settings.target().getConnection()) {
                TableDiff diff = compare(table, source, target, progress);
                diffs.add(diff);
                if (!diff.isClean()) {
                    LOG.warn("verify: {}", diff.summary());
                }
            } catch (SQLException e) {
                throw new CutoverException(Phase.PREFLIGHT, "verify '" + table.sourceTable() + "' -> '"
                        + table.targetTable() + "': " + e.getMessage(), e);
            } catch (IllegalStateException e) {
                throw new CutoverException(Phase.PREFLIGHT, "verify: " + e.getMessage(), e);
            }
            progress.tablesDone++;
            progress.report(true);
        }
        VerifyReport report = new VerifyReport(diffs, progress.rows,
                Duration.between(progress.start, settings.clock().instant()));
        LOG.info("{}", report.summary());
        return report;
    }

    // Every read must see the latest commits (a re-check after a fence is worthless in an old
    // snapshot), so the connections run in auto-commit, and are handed back as they came.
    private TableDiff compare(VerifyTable table, Connection source, Connection target, Progress progress)
            throws SQLException {
        boolean sourceAuto = source.getAutoCommit();
        boolean targetAuto = target.getAutoCommit();
        source.setAutoCommit(true);
        target.setAutoCommit(true);
        try {
            return new TableRun(settings, table, source, target, progress::chunk).run();
        } finally {
            source.setAutoCommit(sourceAuto);
            target.setAutoCommit(targetAuto);
        }
    }

    /** The run's counters and the pacing of its log lines; one thread. */
    private final class Progress {
        final Instant start;
        Instant lastLog;
        String table;
        int tablesDone;
        long chunks;
        long rows;

        Progress(Instant start) {
            this.start = start;
            this.lastLog = start;
        }

        void chunk(long rowsInChunk) {
            chunks++;
            rows += rowsInChunk;
            report(false);
        }

        void report(boolean tableDone) {
            Instant now = settings.clock().instant();
            VerifyProgress p = new VerifyProgress(table, tablesDone, settings.tables().size(), chunks, rows,
                    Duration.between(start, now));
            if (!tableDone) {
                try {
                    settings.progress().accept(p);
                } catch (RuntimeException e) {
                    LOG.warn("verify: the progress listener threw; ignored", e);
                }
            }
            if (Duration.between(lastLog, now).compareTo(settings.progressInterval()) >= 0) {
                lastLog = now;
                LOG.info("verify: table '{}', {}/{} tables done, {} chunks, {} rows compared ({} rows/s)", p.table(),
                        p.tablesDone(), p.tablesTotal(), p.chunksDone(), p.rowsCompared(), Math.round(p.rowsPerSecond()));
            }
        }
    }
}
