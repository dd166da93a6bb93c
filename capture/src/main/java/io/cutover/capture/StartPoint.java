package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import io.cutover.PreflightException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one run of a stream starts, as {@link #prepare} found it on the target: the last fence
 * applied and whether a bulk initial copy must run first. Preparing creates the fence table on
 * the source and the offset table on the target, registers a stored offset for the engine, and
 * writes the copy's "started" marker when a copy must run. Immutable; {@link #prepare} runs on
 * the thread starting the stream.
 *
 * @param fence the last fence applied on the target, 0 if none
 * @param copy whether a bulk initial copy must run before the engine
 */
record StartPoint(long fence, CopyNeeded copy) {

    // Logged under the stream's name, as before the stream was split.
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumReplicationStream.class);

    /** Whether a bulk initial copy must run before the engine. */
    enum CopyNeeded {
        NONE, FRESH, REDO
    }

    /**
     * Reads the stored offset from the target and registers it for the engine's offset store; with
     * a bulk initial copy and nothing stored, records on the target that the copy starts.
     *
     * @param config the stream's configuration
     * @param token the registration the engine's offset store loads
     * @param applied told the last fence applied
     * @return where the run starts
     * @throws PreflightException if the source or target refuses
     */
    static StartPoint prepare(CaptureSpec config, String token, ApplyProgress applied) {
        try (Connection source = BoundedCalls.open(config.source(), config.stallTimeout())) {
            FenceTable.create(source, config.fenceTable(), config.dialect().fenceTableOptions(source));
        } catch (SQLException e) {
            throw new PreflightException("stream '" + config.name() + "': cannot create fence table " + config.fenceTable()
                    + " on the source: " + e.getMessage(), e);
        }
        try (Connection target = BoundedCalls.open(config.target(), config.stallTimeout())) {
            OffsetTable.create(target);
            Optional<OffsetTable.Stored> stored = OffsetTable.read(target, config.name());
            CopyNeeded copy = CopyNeeded.NONE;
            if (config.initialLoad().isPresent() && (stored.isEmpty() || CopyMarker.isStarted(stored.get()))) {
                copy = stored.isEmpty() ? CopyNeeded.FRESH : CopyNeeded.REDO;
                target.setAutoCommit(true);
                new OffsetTable(config.dialect()).write(target, config.name(), CopyMarker.STARTED, config.clock().millis());
            } else if (stored.isPresent() && !CopyMarker.isMarker(stored.get())) {
                TargetOffsetStore.register(token, stored.get().key(), stored.get().value());
            }
            long fence = stored.map(OffsetTable.Stored::fenceId).orElse(0L);
            applied.startFrom(fence);
            LOG.info("stream '{}' starting {}", config.name(), copy != CopyNeeded.NONE ? "with a bulk initial copy"
                    : stored.isEmpty() ? "with no stored offset"
                    : CopyMarker.isMarker(stored.get()) ? "where its initial copy ended" : "from its stored offset");
            return new StartPoint(fence, copy);
        } catch (SQLException e) {
            throw new PreflightException("stream '" + config.name() + "': cannot read offsets on the target: " + e.getMessage(), e);
        }
    }
}
