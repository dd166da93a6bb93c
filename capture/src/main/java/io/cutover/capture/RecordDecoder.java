package io.cutover.capture;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads Debezium's change envelope ({@code before}, {@code after}, {@code source}, {@code op})
 * into a {@link Change}, recognises this stream's fence rows, and passes over everything else
 * (heartbeats, tombstones, transaction markers), which only advances the offset. Keeps the
 * envelope fields it looked up per schema; not thread-safe (the engine's handler thread owns it).
 */
final class RecordDecoder {

    /** What one source record means to the applier. */
    sealed interface Decoded permits RowChange, FenceSeen, Skip {
    }

    /** A change to a replicated table. */
    record RowChange(Change change) implements Decoded {
    }

    /** This stream's fence row reached the stream. */
    record FenceSeen(long id) implements Decoded {
    }

    /** Nothing to apply; the record still moves the offset. */
    record Skip() implements Decoded {
    }

    private static final Skip SKIP = new Skip();

    /** The fields of one envelope schema, looked up once. */
    private record Envelope(Field op, Field source, Field after) {
    }

    private static final Envelope NOT_AN_ENVELOPE = new Envelope(null, null, null);
    private static final int MAX_SCHEMAS = 1024;

    private final String stream;
    private final String fenceTable;
    // By schema identity: Connect schemas compare deeply, which would cost more than the lookup saves.
    private final Map<Schema, Envelope> envelopes = new IdentityHashMap<>();

    RecordDecoder(String stream, String fenceTable) {
        this.stream = Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(fenceTable, "fenceTable");
        // Debezium names the table without its schema or database.
        this.fenceTable = fenceTable.substring(fenceTable.lastIndexOf('.') + 1);
    }

    Decoded decode(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return SKIP;
        }
        Envelope envelope = envelope(value.schema());
        if (envelope == null) {
            return SKIP;
        }
        Object opValue = value.get(envelope.op);
        Struct source = (Struct) value.get(envelope.source);
        if (!(opValue instanceof String op) || op.length() != 1 || source == null) {
            return SKIP;
        }
        Field tableField = source.schema().field("table");
        if (tableField == null) {
            return SKIP;
        }
        String table = (String) source.get(tableField);
        Field tsField = source.schema().field("ts_ms");
        Object ts = tsField == null ? null : source.get(tsField);
        long millis = ts instanceof Long l ? l : 0L;
        if (fenceTable.equalsIgnoreCase(table)) {
            return fence(op, value);
        }
        char kind = op.charAt(0);
        if (kind == 'c' || kind == 'u' || kind == 'r') {
            Struct after = envelope.after == null ? null : (Struct) value.get(envelope.after);
            if (after == null) {
                return SKIP;
            }
            // One pass: the values the source sent, and the names of those it left out.
            List<Field> fields = after.schema().fields();
            Map<String, Object> values = new LinkedHashMap<>(capacity(fields.size()));
            List<String> absent = List.of();
            for (Field f : fields) {
                Object v = ConnectValues.convert(f.schema(), after.get(f));
                if (v != ConnectValues.ABSENT) {
                    values.put(f.name(), v);
                } else {
                    if (absent.isEmpty()) {
                        absent = new ArrayList<>();
                    }
                    absent.add(f.name());
                }
            }
            // An insert never lacks a value, except the insert half of a primary-key change:
            // the row is new on the target, so what the source did not resend must be read back.
            List<String> refetch = kind == 'u' ? List.of() : absent;
            return new RowChange(new Change(table, Change.Kind.UPSERT, key(record, values), Change.handOver(values), millis,
                    refetch));
        }
        if (kind == 'd') {
            return new RowChange(new Change(table, Change.Kind.DELETE, key(record, Map.of()), Map.of(), millis));
        }
        return SKIP;
    }

    // The envelope's fields by schema; null for a value that is no change event. Schemas are
    // built once per table (and again after a DDL change), so a few entries serve a whole stream.
    private Envelope envelope(Schema schema) {
        Envelope cached = envelopes.get(schema);
        if (cached != null) {
            return cached == NOT_AN_ENVELOPE ? null : cached;
        }
        Field op = schema.type() == Schema.Type.STRUCT ? schema.field("op") : null;
        Field source = op == null ? null : schema.field("source");
        Envelope found = source == null ? NOT_AN_ENVELOPE : new Envelope(op, source, schema.field("after"));
        if (envelopes.size() >= MAX_SCHEMAS) {
            envelopes.clear();
        }
        envelopes.put(schema, found);
        return found == NOT_AN_ENVELOPE ? null : found;
    }

    private static int capacity(int entries) {
        return entries * 4 / 3 + 1;
    }

    private Decoded fence(String op, Struct value) {
        if (!"c".equals(op) && !"u".equals(op) && !"r".equals(op)) {
            return SKIP;
        }
        Struct after = value.getStruct("after");
        if (after == null || !stream.equals(after.get("stream"))) {
            return SKIP;
        }
        return new FenceSeen(((Number) after.get("id")).longValue());
    }

    // The record key carries exactly the primary key columns; a value the row image already
    // converted is taken from it.
    private static Map<String, Object> key(SourceRecord record, Map<String, Object> converted) {
        if (record.key() instanceof Struct k) {
            List<Field> fields = k.schema().fields();
            Map<String, Object> key = new LinkedHashMap<>(capacity(fields.size()));
            for (Field f : fields) {
                Object v = converted.get(f.name());
                key.put(f.name(), v != null ? v : ConnectValues.convert(f.schema(), k.get(f)));
            }
            return Change.handOver(key);
        }
        throw new IllegalStateException("change to a table without a primary key (topic " + record.topic()
                + "); every replicated table needs one");
    }

    /**
     * Tells where a record stands in the initial copy.
     *
     * @param record a source record
     * @return {@code COPYING} for a snapshot record before the last, {@code DONE} for the last
     *     snapshot record or any streamed change, {@code UNKNOWN} for records that say nothing
     */
    static Copy copyState(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("source") == null) {
            return Copy.UNKNOWN;
        }
        Struct source = value.getStruct("source");
        if (source == null || source.schema().field("snapshot") == null) {
            return Copy.UNKNOWN;
        }
        Object flag = source.get("snapshot");
        String s = flag == null ? "false" : flag.toString();
        return switch (s) {
            case "true", "first", "first_in_data_collection", "last_in_data_collection" -> Copy.COPYING;
            default -> Copy.DONE;
        };
    }

    /** Where the initial copy stands, as one record tells. */
    enum Copy {
        /** A row of the copy, more to come. */
        COPYING,
        /** The copy's last row, or a streamed change: the copy is over. */
        DONE,
        /** The record says nothing about the copy. */
        UNKNOWN
    }
}
