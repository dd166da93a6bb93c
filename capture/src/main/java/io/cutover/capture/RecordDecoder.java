package io.cutover.capture;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads Debezium's change envelope ({@code before}, {@code after}, {@code source}, {@code op})
 * into a {@link Change}, recognises this stream's fence rows, and passes over everything else
 * (heartbeats, tombstones, transaction markers), which only advances the offset. Stateless.
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

    private final String stream;
    private final String fenceTable;

    RecordDecoder(String stream, String fenceTable) {
        this.stream = Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(fenceTable, "fenceTable");
        // Debezium names the table without its schema or database.
        this.fenceTable = fenceTable.substring(fenceTable.lastIndexOf('.') + 1);
    }

    Decoded decode(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null
                || value.schema().field("source") == null) {
            return SKIP;
        }
        String op = value.getString("op");
        Struct source = value.getStruct("source");
        if (op == null || source == null || source.schema().field("table") == null) {
            return SKIP;
        }
        String table = source.getString("table");
        long millis = source.schema().field("ts_ms") != null && source.get("ts_ms") != null
                ? source.getInt64("ts_ms") : 0L;
        if (fenceTable.equalsIgnoreCase(table)) {
            return fence(op, value);
        }
        switch (op) {
            case "c", "u", "r": {
                Struct after = value.getStruct("after");
                if (after == null) {
                    return SKIP;
                }
                // One pass: the values the source sent, and the names of those it left out.
                Map<String, Object> values = new LinkedHashMap<>();
                java.util.List<String> absent = java.util.List.of();
                for (Field f : after.schema().fields()) {
                    Object v = ConnectValues.convert(f.schema(), after.get(f));
                    if (v != ConnectValues.ABSENT) {
                        values.put(f.name(), v);
                    } else {
                        if (absent.isEmpty()) {
                            absent = new java.util.ArrayList<>();
                        }
                        absent.add(f.name());
                    }
                }
                // An insert never lacks a value, except the insert half of a primary-key change:
                // the row is new on the target, so what the source did not resend must be read back.
                java.util.List<String> refetch = "u".equals(op) ? java.util.List.of() : absent;
                return new RowChange(new Change(table, Change.Kind.UPSERT, key(record), values, millis, refetch));
            }
            case "d": {
                return new RowChange(new Change(table, Change.Kind.DELETE, key(record), Map.of(), millis));
            }
            default:
                return SKIP;
        }
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

    // The record key carries exactly the primary key columns.
    private static Map<String, Object> key(SourceRecord record) {
        Map<String, Object> key = new LinkedHashMap<>();
        if (record.key() instanceof Struct k) {
            for (Field f : k.schema().fields()) {
                key.put(f.name(), ConnectValues.convert(f.schema(), k.get(f)));
            }
            return key;
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
