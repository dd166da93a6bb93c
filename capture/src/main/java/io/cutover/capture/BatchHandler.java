package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's batch consumer: decodes a batch, applies it and its offset in one target
 * transaction, and only then marks the records processed so the engine may commit them.
 * Called by the engine on one thread at a time.
 */
final class BatchHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchHandler.class);

    /** Told about progress; implemented by the stream. */
    interface Progress {
        void received(int events, long oldestSourceMillis, long newestSourceMillis);

        void committed(int events, Map<String, ?> lastOffset, long fenceId);

        void copying(boolean copying);

        /** Row changes (not fences nor other control records) committed on the target in the last batch. */
        default void appliedChanges(int changes) {
        }
    }

    private final CaptureSpec config;
    private final RecordDecoder decoder;
    private final OffsetCodec codec;
    private final BatchApplier applier;
    private final Progress progress;
    private long fenceId;

    BatchHandler(CaptureSpec config, String engineName, long fenceId, Progress progress) {
        this.config = config;
        this.decoder = new RecordDecoder(config.name(), config.fenceTable());
        this.codec = new OffsetCodec(engineName);
        this.applier = new BatchApplier(config.dialect(),
                () -> BoundedCalls.open(config.target(), config.stallTimeout()),
                () -> BoundedCalls.open(config.source(), config.stallTimeout()),
                config::transform);
        this.fenceId = fenceId;
        this.progress = progress;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        if (records.isEmpty()) {
            committer.markBatchFinished();
            return;
        }
        List<Change> changes = new ArrayList<>(records.size());
        long fence = fenceId;
        long oldest = Long.MAX_VALUE;
        long newest = 0;
        for (RecordChangeEvent<SourceRecord> event : records) {
            RecordDecoder.Decoded decoded = decoder.decode(event.record());
            if (decoded instanceof RecordDecoder.RowChange rc) {
                changes.add(rc.change());
                if (rc.change().sourceMillis() > 0) {
                    oldest = Math.min(oldest, rc.change().sourceMillis());
                    newest = Math.max(newest, rc.change().sourceMillis());
                }
            } else if (decoded instanceof RecordDecoder.FenceSeen fs) {
                fence = Math.max(fence, fs.id());
                LOG.debug("stream '{}': fence {} received {} ms after it was written", config.name(), fs.id(),
                        config.clock().millis() - fs.id());
            }
        }
        progress.received(records.size(), oldest == Long.MAX_VALUE ? 0 : oldest, newest);
        SourceRecord last = records.get(records.size() - 1).record();
        RecordDecoder.Copy copy = RecordDecoder.Copy.UNKNOWN;
        for (int i = records.size() - 1; i >= 0 && copy == RecordDecoder.Copy.UNKNOWN; i--) {
            copy = RecordDecoder.copyState(records.get(i).record());
        }
        OffsetTable.Stored stored = new OffsetTable.Stored(codec.key(last.sourcePartition()), codec.value(last.sourceOffset()), fence);
        long t0 = System.nanoTime();
        try {
            applier.apply(changes, config.name(), stored);
        } catch (SQLException e) {
            throw new TargetApplyException("stream '" + config.name() + "': applying " + changes.size()
                    + " changes on the target failed: " + e.getMessage(), e);
        }
        fenceId = fence;
        // The state first: whoever a fence wakes must see the stream as it now is.
        if (copy != RecordDecoder.Copy.UNKNOWN) {
            progress.copying(copy == RecordDecoder.Copy.COPYING);
        }
        progress.appliedChanges(changes.size()); // counted before the fence wakes its waiters, like the state
        progress.committed(records.size(), last.sourceOffset(), fence);
        for (RecordChangeEvent<SourceRecord> event : records) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        LOG.debug("stream '{}': applied {} changes from {} records in {} us", config.name(), changes.size(), records.size(),
                (System.nanoTime() - t0) / 1000);
    }

    void close() {
        applier.close();
    }
}
