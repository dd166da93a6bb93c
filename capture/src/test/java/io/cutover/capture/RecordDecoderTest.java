package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", Schema.INT32_SCHEMA).field("big", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema FENCE = SchemaBuilder.struct().optional()
            .field("stream", Schema.STRING_SCHEMA).field("id", Schema.INT64_SCHEMA).field("written_at", Schema.INT64_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final RecordDecoder decoder = new RecordDecoder("s1", "cutover_fence");

    private static Schema envelope(Schema row) {
        return SchemaBuilder.struct().field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
    }

    private static SourceRecord record(String table, String op, Schema rowSchema, Struct before, Struct after, Struct key) {
        Schema env = envelope(rowSchema);
        Struct value = new Struct(env).put("before", before).put("after", after).put("op", op)
                .put("source", new Struct(SOURCE).put("table", table).put("ts_ms", 1234L));
        return new SourceRecord(Map.of("server", "x"), Map.of("lsn", 1L), "x." + table, key == null ? null : KEY, key, env, value);
    }

    @Test
    void decode_updateWithUnavailableToast_leavesTheColumnOut() {
        Struct after = new Struct(ROW).put("id", 7).put("big", ConnectValues.UNAVAILABLE);
        RecordDecoder.Decoded d = decoder.decode(record("t", "u", ROW, null, after, new Struct(KEY).put("id", 7)));
        Change change = ((RecordDecoder.RowChange) d).change();
        assertThat(change.kind()).isEqualTo(Change.Kind.UPSERT);
        assertThat(change.values()).containsOnlyKeys("id").containsEntry("id", 7);
        assertThat(change.key()).containsEntry("id", 7);
        assertThat(change.sourceMillis()).isEqualTo(1234L);
    }

    @Test
    void decode_insertHalfOfAKeyChange_withUnavailableToast_asksForTheValueToBeReRead() {
        Struct after = new Struct(ROW).put("id", 8).put("big", ConnectValues.UNAVAILABLE);
        Change change = ((RecordDecoder.RowChange) decoder.decode(record("t", "c", ROW, null, after, new Struct(KEY).put("id", 8)))).change();
        assertThat(change.refetch()).containsExactly("big");
        assertThat(change.values()).containsOnlyKeys("id");
        Struct update = new Struct(ROW).put("id", 8).put("big", ConnectValues.UNAVAILABLE);
        assertThat(((RecordDecoder.RowChange) decoder.decode(record("t", "u", ROW, null, update, new Struct(KEY).put("id", 8))))
                .change().refetch()).isEmpty();
    }

    @Test
    void copyState_followsDebeziumsSnapshotMarker() {
        Schema src = SchemaBuilder.struct().field("table", Schema.STRING_SCHEMA).field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema env = SchemaBuilder.struct().field("after", ROW).field("source", src).field("op", Schema.STRING_SCHEMA).build();
        java.util.function.Function<String, SourceRecord> rec = flag -> new SourceRecord(Map.of(), Map.of(), "x.t", env,
                new Struct(env).put("op", "r").put("source", new Struct(src).put("table", "t").put("snapshot", flag)));
        assertThat(RecordDecoder.copyState(rec.apply("true"))).isEqualTo(RecordDecoder.Copy.COPYING);
        assertThat(RecordDecoder.copyState(rec.apply("last_in_data_collection"))).isEqualTo(RecordDecoder.Copy.COPYING);
        assertThat(RecordDecoder.copyState(rec.apply("last"))).isEqualTo(RecordDecoder.Copy.DONE);
        assertThat(RecordDecoder.copyState(rec.apply(null))).isEqualTo(RecordDecoder.Copy.DONE);
        assertThat(RecordDecoder.copyState(new SourceRecord(Map.of(), Map.of(), "hb", null, null))).isEqualTo(RecordDecoder.Copy.UNKNOWN);
    }

    @Test
    void decode_delete_carriesTheKeyOnly() {
        Struct before = new Struct(ROW).put("id", 7).put("big", "x");
        Change change = ((RecordDecoder.RowChange) decoder.decode(record("t", "d", ROW, before, null, new Struct(KEY).put("id", 7)))).change();
        assertThat(change.kind()).isEqualTo(Change.Kind.DELETE);
        assertThat(change.key()).containsExactly(Map.entry("id", 7));
        assertThat(change.values()).isEmpty();
    }

    @Test
    void decode_recognisesOnlyItsOwnFence() {
        Struct mine = new Struct(FENCE).put("stream", "s1").put("id", 42L).put("written_at", 0L);
        Struct other = new Struct(FENCE).put("stream", "s2").put("id", 43L).put("written_at", 0L);
        assertThat(decoder.decode(record("cutover_fence", "u", FENCE, null, mine, null)))
                .isEqualTo(new RecordDecoder.FenceSeen(42L));
        assertThat(decoder.decode(record("cutover_fence", "u", FENCE, null, other, null))).isInstanceOf(RecordDecoder.Skip.class);
    }

    @Test
    void decode_skipsHeartbeatsAndTombstones_butRefusesKeylessChanges() {
        Schema hb = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(decoder.decode(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.x", hb, new Struct(hb).put("ts_ms", 1L))))
                .isInstanceOf(RecordDecoder.Skip.class);
        assertThat(decoder.decode(new SourceRecord(Map.of(), Map.of(), "x.t", null, null))).isInstanceOf(RecordDecoder.Skip.class);
        Struct after = new Struct(ROW).put("id", 1).put("big", "x");
        assertThatThrownBy(() -> decoder.decode(record("t", "c", ROW, null, after, null)))
                .hasMessageContaining("without a primary key");
    }

    @Test
    void decode_sameSchemaAgain_decodesEachRecordsOwnValues() {
        Struct first = new Struct(ROW).put("id", 1).put("big", "a");
        Struct second = new Struct(ROW).put("id", 2).put("big", "b");
        Change one = ((RecordDecoder.RowChange) decoder.decode(record("t", "c", ROW, null, first, new Struct(KEY).put("id", 1)))).change();
        Change two = ((RecordDecoder.RowChange) decoder.decode(record("t", "u", ROW, null, second, new Struct(KEY).put("id", 2)))).change();
        assertThat(one.values()).containsExactly(Map.entry("id", 1), Map.entry("big", "a"));
        assertThat(two.values()).containsExactly(Map.entry("id", 2), Map.entry("big", "b"));
        assertThat(two.key()).containsExactly(Map.entry("id", 2));
    }

    @Test
    void decode_unknownOperationOrEnvelopeWithoutSource_isSkipped() {
        Struct after = new Struct(ROW).put("id", 1).put("big", "a");
        assertThat(decoder.decode(record("t", "t", ROW, null, after, new Struct(KEY).put("id", 1)))).isInstanceOf(RecordDecoder.Skip.class);
        Schema noSource = SchemaBuilder.struct().field("after", ROW).field("op", Schema.STRING_SCHEMA).build();
        assertThat(decoder.decode(new SourceRecord(Map.of(), Map.of(), "x.t", noSource,
                new Struct(noSource).put("after", after).put("op", "c")))).isInstanceOf(RecordDecoder.Skip.class);
    }

    @Test
    void change_copiesAMapItWasNotHandedOver_andTakesAHandedOverOneAsIs() {
        Map<String, Object> mutable = new java.util.LinkedHashMap<>(Map.of("id", 1));
        Change copied = new Change("t", Change.Kind.UPSERT, mutable, mutable, 0L);
        mutable.put("id", 2);
        assertThat(copied.values()).containsExactly(Map.entry("id", 1));
        assertThatThrownBy(() -> copied.values().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> handed = Change.handOver(new java.util.LinkedHashMap<>(Map.of("id", 3)));
        assertThat(new Change("t", Change.Kind.UPSERT, handed, handed, 0L).values()).isSameAs(handed);
    }
}
