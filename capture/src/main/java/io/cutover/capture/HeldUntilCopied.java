package io.cutover.capture;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The engine's consumer of a stream that starts with a bulk initial copy: holds every batch
 * until the copy has committed all its rows, then passes batches on; once the copy ended without
 * finishing (failed, stopped) it refuses them instead. A change streamed during the copy is thus
 * never applied before the copy's rows, whose writes would otherwise collide with it. The engine
 * calls {@link #handleBatch} on its thread; {@link #release()} and {@link #drop()} may be called
 * from any thread, and the first of the two wins. Thread-safe.
 */
final class HeldUntilCopied implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private enum Outcome {
        PENDING, COPIED, DROPPED
    }

    private final String stream;
    private final DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> next;
    private final Object lock = new Object();
    private volatile Outcome outcome = Outcome.PENDING; // written under lock

    HeldUntilCopied(String stream, DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> next) {
        this.stream = stream;
        this.next = next;
    }

    /**
     * The copy committed everything: held and later batches go on.
     *
     * @return false if the batches were dropped first
     */
    boolean release() {
        return settle(Outcome.COPIED);
    }

    /**
     * The copy will not finish: a held batch, and every later one, fails the engine's call.
     *
     * @return false if the batches were released first
     */
    boolean drop() {
        return settle(Outcome.DROPPED);
    }

    boolean released() {
        return outcome == Outcome.COPIED;
    }

    private boolean settle(Outcome to) {
        synchronized (lock) {
            if (outcome != Outcome.PENDING) {
                return false;
            }
            outcome = to;
            lock.notifyAll();
            return true;
        }
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        Outcome o = outcome;
        if (o == Outcome.PENDING) {
            synchronized (lock) {
                while ((o = outcome) == Outcome.PENDING) {
                    lock.wait();
                }
            }
        }
        if (o == Outcome.DROPPED) {
            throw new InterruptedException("stream '" + stream + "': " + records.size()
                    + " changes streamed during the initial copy dropped: the copy did not finish");
        }
        next.handleBatch(records, committer);
    }

    @Override
    public boolean supportsTombstoneEvents() {
        return next.supportsTombstoneEvents();
    }
}
