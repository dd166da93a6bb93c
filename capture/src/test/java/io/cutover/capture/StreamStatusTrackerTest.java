package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cutover.CopyStatus;
import io.cutover.CutoverException;
import io.cutover.Lag;
import io.cutover.Phase;
import io.cutover.Position;
import io.cutover.ReplicationStream.State;
import io.cutover.StreamStatus;
import io.cutover.spi.CaptureDialect;
import io.cutover.spi.CaptureSpec;
import io.cutover.testing.ManualClock;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The capture stream's status, put together from its lifecycle, its apply progress and its copy: fake events, H2 target. */
class StreamStatusTrackerTest {

    private static final Map<String, String> SETTINGS = Map.of("connector.class", "fake");

    private final ManualClock clock = new ManualClock();
    private final H2Target target = new H2Target();
    private final CaptureSpec spec = CaptureSpec.builder().name("orders").dialect(new PositionedH2()).session(() -> SETTINGS)
            .source(target.dataSource).target(target.dataSource).clock(clock).build();
    private final ApplyProgress[] progress = new ApplyProgress[1];
    private final StreamLifecycle lifecycle = new StreamLifecycle("orders", () -> SETTINGS, () -> progress[0].wakeFenceWaiters());
    private final StreamStatusTracker tracker;

    StreamStatusTrackerTest() {
        // Unquoted names stay lower case, as the fake events spell them.
        target.dataSource.setURL("jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        progress[0] = new ApplyProgress(spec, lifecycle);
        tracker = new StreamStatusTracker("orders", clock, lifecycle, progress[0]);
    }

    /** H2's SQL, with positions that name the offset. */
    private static final class PositionedH2 implements CaptureDialect {
        private final H2Target.Dialect sql = new H2Target.Dialect();

        @Override
        public String upsertSql(String table, List<String> columns, List<String> keyColumns) {
            return sql.upsertSql(table, columns, keyColumns);
        }

        @Override
        public String deleteSql(String table, List<String> keyColumns) {
            return sql.deleteSql(table, keyColumns);
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value, String columnType) throws SQLException {
            sql.bind(statement, index, value, columnType);
        }

        @Override
        public Position position(Map<String, ?> sourceOffset) {
            return new Position("lsn " + sourceOffset.get("lsn"));
        }
    }

    @Test
    void status_ofANewStream_isNewWithNothingApplied() {
        StreamStatus s = tracker.status();
        assertThat(s.name()).isEqualTo("orders");
        assertThat(s.state()).isEqualTo(State.NEW);
        assertThat(s.lag()).isEqualTo(Lag.NONE);
        assertThat(s.appliedPosition()).isEqualTo(Position.NONE);
        assertThat(s.appliedTotal()).isZero();
        assertThat(s.appliedPerSecond()).isZero();
        assertThat(s.copy()).isNull();
        assertThat(s.lastError()).isNull();
        assertThat(s.takenAt()).isEqualTo(clock.instant());
    }

    @Test
    void status_countsRowChangesCommittedByTheBatchHandler_notFences() throws Exception {
        target.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40))");
        try (Connection c = target.dataSource.getConnection()) {
            OffsetTable.create(c);
        }
        lifecycle.start();
        lifecycle.started();
        BatchHandler handler = new BatchHandler(spec, "cutover-orders", 0, progress[0]);
        try {
            handler.handleBatch(List.of(row(1, "a", 1), row(2, "b", 2), fence(3, 77)), new Committer());
            clock.advance(Duration.ofSeconds(1));
            handler.handleBatch(List.of(row(3, "c", 4)), new Committer());
            clock.advance(Duration.ofSeconds(1));
        } finally {
            handler.close();
        }

        StreamStatus s = tracker.status();
        assertThat(target.queryOne("SELECT COUNT(*) FROM items")).isEqualTo(3L);
        assertThat(s.state()).isEqualTo(State.STREAMING);
        assertThat(s.appliedTotal()).isEqualTo(3);
        assertThat(s.appliedPerSecond()).isCloseTo(1.5, within(0.001));
        assertThat(s.lag().events()).isZero();
        assertThat(s.appliedPosition()).isEqualTo(new Position("lsn 4"));

        clock.advance(Duration.ofSeconds(15));
        assertThat(tracker.status().appliedPerSecond()).isZero();
        assertThat(tracker.status().appliedTotal()).isEqualTo(3);
    }

    @Test
    void lag_ofABacklogInsideTheConnector_staysVisibleWhileASlowBatchApplies_andBetweenBatches() {
        lifecycle.start();
        lifecycle.started();
        ApplyProgress p = progress[0];
        long now = clock.millis();
        // A batch arrives whose newest change was committed 7 s ago: the rest of the backlog is
        // still in the connector or the server, where events are not counted.
        p.received(1024, now - 7_500, now - 7_000);
        clock.advance(java.time.Duration.ofMillis(900)); // the target takes 900 ms to apply it
        assertThat(p.lag().behind().toMillis()).as("while the batch applies").isGreaterThanOrEqualTo(7_000);
        p.committed(1024, Map.of("lsn", 1L), 0);
        clock.advance(java.time.Duration.ofMillis(100)); // the engine hands over the next batch
        assertThat(p.lag().behind().toMillis()).as("between batches").isGreaterThanOrEqualTo(7_000);
        clock.advance(java.time.Duration.ofSeconds(1)); // nothing more came: the source is quiet
        assertThat(p.lag().behind().toMillis()).as("once batches stop").isZero();
    }

    @Test
    void batchHandler_countsTheChangesBeforeTheFenceWakesItsWaiters() throws Exception {
        target.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40))");
        try (Connection c = target.dataSource.getConnection()) {
            OffsetTable.create(c);
        }
        lifecycle.start();
        lifecycle.started();
        List<Long> countedAtCommit = new ArrayList<>();
        BatchHandler.Progress watching = new BatchHandler.Progress() {
            @Override
            public void received(int events, long oldestSourceMillis, long newestSourceMillis) {
                progress[0].received(events, oldestSourceMillis, newestSourceMillis);
            }

            @Override
            public void committed(int events, Map<String, ?> lastOffset, long fenceId) {
                countedAtCommit.add(progress[0].changes().total()); // what a woken fence waiter would read
                progress[0].committed(events, lastOffset, fenceId);
            }

            @Override
            public void copying(boolean copying) {
                progress[0].copying(copying);
            }

            @Override
            public void appliedChanges(int changes) {
                progress[0].appliedChanges(changes);
            }
        };
        BatchHandler handler = new BatchHandler(spec, "cutover-orders", 0, watching);
        try {
            handler.handleBatch(List.of(row(1, "a", 1), row(2, "b", 2), fence(3, 9)), new Committer());
        } finally {
            handler.close();
        }
        assertThat(countedAtCommit).containsExactly(2L);
    }

    @Test
    void status_whileTheBulkCopyRuns_showsItsTablesAndRows() {
        lifecycle.start();
        CopyProgress copy = new CopyProgress("orders", clock);
        tracker.runCopies(copy);
        assertThat(lifecycle.copyStarted()).isTrue();
        copy.planned("users", 1_000);
        copy.planned("orders", 3_000);
        copy.add("users", 1_000);
        copy.tableDone("users");
        copy.add("orders", 500);

        StreamStatus s = tracker.status();
        assertThat(s.state()).isEqualTo(State.COPYING);
        assertThat(s.copy()).isEqualTo(new CopyStatus(1, 2, 1_500, 4_000));

        lifecycle.copyDone();
        assertThat(tracker.status().state()).isEqualTo(State.STREAMING);
        assertThat(tracker.status().copy()).isNull();
    }

    @Test
    void status_whileTheConnectorSnapshots_showsACopyOfUnknownSize() {
        lifecycle.start();
        lifecycle.started();
        progress[0].copying(true);
        assertThat(tracker.status().copy()).isEqualTo(new CopyStatus(0, CopyStatus.UNKNOWN, 0, CopyStatus.UNKNOWN));
    }

    @Test
    void status_keepsTheLastFailureTimedWhenItHappened_acrossARestart_withoutCredentials() {
        lifecycle.start();
        lifecycle.started();
        clock.advance(Duration.ofSeconds(42));
        Instant failedAt = clock.instant();
        lifecycle.engineFailed("lost", new CutoverException(Phase.CATCH_UP,
                "connection to jdbc:postgresql://repl:s3cret@blue:5432/app?password=s3cret lost"));
        lifecycle.engineFailed("later", new IllegalStateException("a consequence, not recorded"));
        clock.advance(Duration.ofSeconds(5));

        StreamStatus failed = tracker.status();
        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.lastError().type()).isEqualTo("CutoverException");
        assertThat(failed.lastError().at()).isEqualTo(failedAt);
        assertThat(failed.lastError().message()).contains("blue:5432/app").doesNotContain("s3cret");

        lifecycle.start();
        lifecycle.started();
        assertThat(lifecycle.failure()).isEmpty();
        assertThat(tracker.status().lastError()).isEqualTo(failed.lastError());
    }

    @Test
    void copyProgress_withoutAPlan_countsTheTablesRecordedInTheLedger() {
        CopyProgress copy = new CopyProgress("orders", clock);
        assertThat(copy.status()).isEqualTo(new CopyStatus(0, CopyStatus.UNKNOWN, 0, CopyStatus.UNKNOWN));
        copy.recorded("public.users");
        copy.recorded("public.orders");
        copy.add("users", 10);
        assertThat(copy.status()).isEqualTo(new CopyStatus(0, 2, 10, CopyStatus.UNKNOWN));
        copy.planned("users", CopyStatus.UNKNOWN);
        assertThat(copy.status().rowsEstimated()).isEqualTo(CopyStatus.UNKNOWN);
        assertThat(copy.status().tablesTotal()).isEqualTo(1);
    }

    // ---- fake events

    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema FENCE = SchemaBuilder.struct().optional()
            .field("stream", Schema.STRING_SCHEMA).field("id", Schema.INT64_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private RecordChangeEvent<SourceRecord> row(int id, String name, long lsn) {
        Schema env = SchemaBuilder.struct().field("before", ROW).field("after", ROW).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(env).put("after", new Struct(ROW).put("id", id).put("name", name)).put("op", "c")
                .put("source", new Struct(SOURCE).put("table", "items").put("ts_ms", clock.millis()));
        return event(new SourceRecord(Map.of("server", "x"), Map.of("lsn", lsn), "x.items", KEY, new Struct(KEY).put("id", id), env, value));
    }

    private RecordChangeEvent<SourceRecord> fence(long lsn, long id) {
        Schema env = SchemaBuilder.struct().field("before", FENCE).field("after", FENCE).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(env).put("after", new Struct(FENCE).put("stream", "orders").put("id", id)).put("op", "u")
                .put("source", new Struct(SOURCE).put("table", "cutover_fence").put("ts_ms", clock.millis()));
        return event(new SourceRecord(Map.of("server", "x"), Map.of("lsn", lsn), "x.cutover_fence", env, value));
    }

    private static RecordChangeEvent<SourceRecord> event(SourceRecord r) {
        return () -> r;
    }

    /** Records what the handler marked. */
    private static final class Committer implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        final List<RecordChangeEvent<SourceRecord>> processed = new ArrayList<>();

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            processed.add(record);
        }

        @Override
        public void markBatchFinished() {
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            processed.add(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            return null;
        }
    }

    @Test
    void status_whileRecovering_carriesTheRecovery_itsErrorRedacted_andDropsItOnceStreaming() {
        Recoverer takesAll = new Recoverer() {
            @Override
            public boolean accepts(Throwable error) {
                return true;
            }

            @Override
            public void lost(Throwable error) {
            }

            @Override
            public void begin() {
            }

            @Override
            public void failedAgain(Throwable error) {
            }
        };
        StreamLifecycle lc = new StreamLifecycle("orders", () -> SETTINGS, () -> { }, takesAll, (from, to) -> { });
        StreamStatusTracker t = new StreamStatusTracker("orders", clock, lc, new ApplyProgress(spec, lc));
        Instant since = clock.instant();
        io.cutover.Recovery recovery = new io.cutover.Recovery("blue", 2, new SQLException(
                "cannot connect to jdbc:postgresql://blue:5432/app?password=s3cret", "08001"), since,
                since.plusSeconds(3), since.plusSeconds(300));
        t.recoveryFrom(() -> java.util.Optional.of(recovery));
        lc.start();
        lc.started();
        assertThat(t.status().recovery()).as("streaming").isNull();

        lc.engineFailed("lost", new SQLException("Connection reset", "08006"));
        StreamStatus s = t.status();
        assertThat(s.state()).isEqualTo(State.RECOVERING);
        assertThat(s.recovering()).isPresent();
        StreamStatus.Recovering r = s.recovery();
        assertThat(r.lost()).isEqualTo("blue");
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.since()).isEqualTo(since);
        assertThat(r.nextAttemptAt()).isEqualTo(since.plusSeconds(3));
        assertThat(r.givesUpAt()).isEqualTo(since.plusSeconds(300));
        assertThat(r.lastError().type()).isEqualTo("SQLException");
        assertThat(r.lastError().message()).contains("jdbc:postgresql://blue:5432/app").doesNotContain("s3cret");
        assertThat(s.summary()).contains("recovering: lost blue").doesNotContain("s3cret");

        lc.recovered();
        assertThat(t.status().recovery()).as("streaming again").isNull();
    }
}
