package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class HeldUntilCopiedTest {

    private final List<List<RecordChangeEvent<SourceRecord>>> passed = new CopyOnWriteArrayList<>();
    private final CountDownLatch handling = new CountDownLatch(1);
    private final HeldUntilCopied held = new HeldUntilCopied("s", (records, committer) -> passed.add(records));

    private CompletableFuture<Void> batch() {
        return CompletableFuture.runAsync(() -> {
            handling.countDown();
            try {
                held.handleBatch(List.of(), null);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void handleBatch_waitsUntilReleased_thenPassesOn() throws Exception {
        CompletableFuture<Void> b = batch();
        assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(b).isNotDone();
        assertThat(passed).isEmpty();
        assertThat(held.release()).isTrue();
        b.get(5, TimeUnit.SECONDS);
        assertThat(passed).hasSize(1);
        held.handleBatch(List.of(), null);
        assertThat(passed).hasSize(2);
    }

    @Test
    void handleBatch_failsOnceDropped_withoutPassingOn() throws Exception {
        CompletableFuture<Void> b = batch();
        assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(held.drop()).isTrue();
        assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(InterruptedException.class).rootCause().hasMessageContaining("did not finish");
        assertThatThrownBy(() -> held.handleBatch(List.of(), null)).isInstanceOf(InterruptedException.class);
        assertThat(passed).isEmpty();
    }

    @Test
    void firstOutcomeWins() throws Exception {
        assertThat(held.release()).isTrue();
        assertThat(held.drop()).isFalse();
        assertThat(held.released()).isTrue();
        held.handleBatch(List.of(), null);
        assertThat(passed).hasSize(1);
    }

    @Test
    void supportsTombstones_asTheConsumerItHolds() {
        DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> noTombstones = new DebeziumEngine.ChangeConsumer<>() {
            @Override
            public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                    DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) {
            }

            @Override
            public boolean supportsTombstoneEvents() {
                return false;
            }
        };
        assertThat(new HeldUntilCopied("s", noTombstones).supportsTombstoneEvents()).isFalse();
    }
}
