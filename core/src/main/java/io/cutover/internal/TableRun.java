package io.cutover.internal;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.Row;
import io.cutover.RowDiff;
import io.cutover.TableDiff;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Compares one table, chunk by chunk, and re-checks the rows that differ after a fence. One run,
 * one thread: not thread-safe.
 */
final class TableRun {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableRun.class);
    private static final int KEYS_PER_QUERY = 200;
    // Suspects wait for a batch this big (or the chunk size, if larger) to share one fence: under
    // writes a fence waits for the stream's lag, which dwarfs reading a few thousand keys.
    private static final int SUSPECTS_PER_FENCE = 10_000;

    private final ChunkedVerifier.Settings settings;
    private final VerifyTable table;
    private final SideReader sourceRows;
    private final SideReader targetRows;
    private final TableShape from;
    private final TableShape to;
    private final LongConsumer chunkDone;
    // Suspect rows waiting for a re-check, by canonical key.
    private final Map<List<Object>, Suspect> suspects = new LinkedHashMap<>();
    private final List<RowDiff> reported = new ArrayList<>();
    private final Map<String, String> targetNames = new HashMap<>();
    private long differences;
    private long unsettled;
    private long rows;
    private long chunks;
    private long fences;
    private long fenced;

    TableRun(ChunkedVerifier.Settings settings, VerifyTable table, Connection source, Connection target,
            LongConsumer chunkDone) throws SQLException {
        this.settings = settings;
        this.table = table;
        this.sourceRows = new SideReader(source, settings.values());
        this.targetRows = new SideReader(target, settings.values());
        this.from = TableShape.find(source, settings.sourceSchema(), table.sourceTable(), "source");
        this.to = TableShape.find(target, settings.targetSchema(), table.targetTable(), "target");
        if (from.keys.size() != to.keys.size()) {
            throw new IllegalStateException("source table '" + from.name + "' has key " + from.keys + " but target table '"
                    + to.name + "' has key " + to.keys + "; the verifier needs the same key on both sides");
        }
        this.chunkDone = chunkDone;
        for (String column : to.columns) {
            targetNames.put(column.toLowerCase(Locale.ROOT), column);
        }
    }

    /** A row to re-check: the raw key values to query both sides with, and the re-checks it had. */
    private record Suspect(List<Object> rawKey, int attempts) {
    }

    /** A row as compared: raw key values, canonical key, and canonical values by column. */
    private record Image(List<Object> rawKey, List<Object> key, Map<String, Object> values) {
    }

    /**
     * Compares the rows up to the highest key each side has when the run starts: rows inserted
     * past it later are left to the next run, so that a table written at its end is not chased.
     */
    TableDiff run() throws SQLException {
        int size = settings.options().chunkSize();
        List<Object> sourceEnd = sourceRows.lastKey(from);
        List<Object> targetEnd = targetRows.lastKey(to);
        List<Object> lower = null;
        boolean last = sourceEnd == null;
        while (!last) {
            List<Map<String, Object>> raw = sourceRows.read(from.range(lower != null, true, size), lower, sourceEnd);
            last = raw.size() < size;
            Map<List<Object>, Image> src = new LinkedHashMap<>();
            for (Map<String, Object> r : raw) {
                Image image = transformed(r);
                src.put(image.key(), image);
            }
            List<Object> upper = raw.isEmpty() ? lower : keyOf(raw.get(raw.size() - 1), from);
            Map<List<Object>, Image> dst = new LinkedHashMap<>();
            if (last) {
                tail(lower, targetEnd, dst);
            } else {
                targetImages(targetRows.read(to.range(lower != null, true, 0), lower, upper), dst);
            }
            compare(src, dst);
            rows += raw.size();
            lower = upper;
        }
        if (sourceEnd == null) {
            compare(Map.of(), tail(null, targetEnd, new LinkedHashMap<>()));
        }
        recheck(true);
        return new TableDiff(table.sourceTable(), table.targetTable(), rows, chunks, differences, reported, unsettled);
    }

    private void compare(Map<List<Object>, Image> src, Map<List<Object>, Image> dst) throws SQLException {
        if (src.size() != dst.size() || checksum(src.values(), null) != checksum(dst.values(), columns(src.values()))) {
            suspect(src, dst);
        }
        chunks++;
        chunkDone.accept(src.size());
        if (suspects.size() >= Math.max(SUSPECTS_PER_FENCE, settings.options().chunkSize())) {
            recheck(false);
        }
    }

    // Every target row past the lower bound up to the target's highest key at the start, a page at a time.
    private Map<List<Object>, Image> tail(List<Object> lower, List<Object> end, Map<List<Object>, Image> into)
            throws SQLException {
        int size = settings.options().chunkSize();
        List<Object> after = lower;
        while (end != null) {
            List<Map<String, Object>> page = targetRows.read(to.range(after != null, true, size), after, end);
            targetImages(page, into);
            if (page.size() < size) {
                break;
            }
            after = keyOf(page.get(page.size() - 1), to);
        }
        return into;
    }

    private void targetImages(List<Map<String, Object>> raw, Map<List<Object>, Image> into) {
        for (Map<String, Object> r : raw) {
            Image image = targetImage(r);
            into.put(image.key(), image);
        }
    }

    // The columns the transform writes: a target column it does not write is not compared.
    private static java.util.Set<String> columns(Iterable<Image> images) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Image i : images) {
            out.addAll(i.values().keySet());
        }
        return out;
    }

    /**
     * The chunk's checksum: a sum over rows of the key's hash and the hash of the values (only of
     * the given columns when not null), so that it does not depend on the order rows came in.
     */
    private static long checksum(Iterable<Image> images, java.util.Set<String> columns) {
        long sum = 0;
        for (Image i : images) {
            long h = 0;
            for (Map.Entry<String, Object> e : i.values().entrySet()) {
                if (columns == null || columns.contains(e.getKey())) {
                    h += e.getKey().hashCode() ^ java.util.Objects.hashCode(e.getValue());
                }
            }
            sum += (long) i.key().hashCode() * 1_000_003L + h;
        }
        return sum;
    }

    private void suspect(Map<List<Object>, Image> src, Map<List<Object>, Image> dst) {
        for (Image s : src.values()) {
            Image t = dst.get(s.key());
            if (t == null || !differing(s, t).isEmpty()) {
                suspects.putIfAbsent(s.key(), new Suspect(s.rawKey(), 0));
            }
        }
        for (Image t : dst.values()) {
            if (!src.containsKey(t.key())) {
                suspects.putIfAbsent(t.key(), new Suspect(t.rawKey(), 0));
            }
        }
    }

    /**
     * Re-reads the suspects after a fence: a row the target holds as the source had it before or
     * after the fence is settled; one that differs from both while the source did not change is a
     * difference; one that changed on the source and matches neither is read again in the next
     * re-check, up to the budget. Before the end of the table one round runs (the rest wait for
     * the next batch, to share its fence); at the end, rounds run until none is left.
     */
    private void recheck(boolean end) throws SQLException {
        do {
            if (suspects.isEmpty()) {
                return;
            }
            Map<List<Object>, Suspect> pending = new LinkedHashMap<>(suspects);
            suspects.clear();
            List<List<Object>> keys = new ArrayList<>();
            pending.values().forEach(p -> keys.add(p.rawKey()));
            Map<List<Object>, Image> before = sourceByKeys(keys);
            long fenceStart = System.nanoTime();
            settings.fence().run();
            fenced += System.nanoTime() - fenceStart;
            fences++;
            Map<List<Object>, Image> there = new HashMap<>();
            for (List<List<Object>> part : parts(keys)) {
                targetImages(targetRows.read(to.byKeys(part.size()), null, part), there);
            }
            Map<List<Object>, Image> after = sourceByKeys(keys);
            int moving = 0;
            for (Map.Entry<List<Object>, Suspect> e : pending.entrySet()) {
                Image s1 = before.get(e.getKey());
                Image s2 = after.get(e.getKey());
                Image t = there.get(e.getKey());
                if (same(s1, t) || same(s2, t)) {
                    continue; // the target holds a state the source had: settled
                }
                if (same(s1, s2)) {
                    confirm(e.getValue().rawKey(), s1, t);
                } else if (e.getValue().attempts() + 1 < settings.options().rechecks()) {
                    suspects.put(e.getKey(), new Suspect(e.getValue().rawKey(), e.getValue().attempts() + 1));
                    moving++;
                } else {
                    unsettled++;
                }
            }
            LOG.debug("verify '{}': re-checked {} rows, {} still changing; {} fences so far ({} ms)",
                    table.sourceTable(), keys.size(), moving, fences, fenced / 1_000_000);
        } while (end);
    }

    private static boolean same(Image a, Image b) {
        return a == null ? b == null : b != null && differing(a, b).isEmpty();
    }

    private Map<List<Object>, Image> sourceByKeys(List<List<Object>> keys) throws SQLException {
        Map<List<Object>, Image> out = new HashMap<>();
        for (List<List<Object>> part : parts(keys)) {
            for (Map<String, Object> r : sourceRows.read(from.byKeys(part.size()), null, part)) {
                Image image = transformed(r);
                out.put(image.key(), image);
            }
        }
        return out;
    }

    private static List<List<List<Object>>> parts(List<List<Object>> keys) {
        List<List<List<Object>>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += KEYS_PER_QUERY) {
            out.add(keys.subList(i, Math.min(keys.size(), i + KEYS_PER_QUERY)));
        }
        return out;
    }

    private void confirm(List<Object> rawKey, Image s, Image t) {
        RowDiff diff;
        if (s == null && t == null) {
            return; // deleted on both sides since the first pass
        } else if (s == null) {
            diff = new RowDiff(RowDiff.Kind.EXTRA_ON_TARGET, keyMap(rawKey), List.of());
        } else if (t == null) {
            diff = new RowDiff(RowDiff.Kind.MISSING_ON_TARGET, keyMap(rawKey), List.of());
        } else {
            List<String> columns = differing(s, t);
            if (columns.isEmpty()) {
                return;
            }
            diff = new RowDiff(RowDiff.Kind.DIFFERING, keyMap(rawKey),
                    columns.stream().map(c -> targetNames.getOrDefault(c, c)).toList());
        }
        differences++;
        if (reported.size() < settings.options().maxKeysReported()) {
            reported.add(diff);
        }
    }

    private Map<String, Object> keyMap(List<Object> rawKey) {
        Map<String, Object> key = new LinkedHashMap<>();
        for (int i = 0; i < from.keys.size(); i++) {
            key.put(from.keys.get(i), rawKey.get(i));
        }
        return key;
    }

    /** The source image's columns whose values the target image does not hold. */
    private static List<String> differing(Image s, Image t) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : s.values().entrySet()) {
            String column = e.getKey();
            if (!t.values().containsKey(column) || !Canon.same(e.getValue(), t.values().get(column))) {
                out.add(column);
            }
        }
        return out;
    }

    private Image transformed(Map<String, Object> raw) {
        List<Object> rawKey = keyOf(raw, from);
        Row row;
        try {
            row = table.transform().apply(new Row(table.sourceTable(), raw));
        } catch (RuntimeException e) {
            throw new CutoverException(Phase.PREFLIGHT, "verify '" + table.sourceTable() + "': the transform threw on"
                    + " the source row with key " + keyMap(rawKey) + ": " + e.getMessage()
                    + "; the stream would fail on this row too, fix the transform or the row", e);
        }
        return new Image(rawKey, canonical(rawKey), canonical(row.values()));
    }

    private Image targetImage(Map<String, Object> raw) {
        List<Object> rawKey = keyOf(raw, to);
        return new Image(rawKey, canonical(rawKey), canonical(raw));
    }

    private static List<Object> keyOf(Map<String, Object> raw, TableShape shape) {
        List<Object> key = new ArrayList<>(shape.keys.size());
        for (String k : shape.keys) {
            key.add(raw.get(k));
        }
        return key;
    }

    private static List<Object> canonical(List<Object> key) {
        List<Object> out = new ArrayList<>(key.size());
        for (Object v : key) {
            out.add(Canon.of(v));
        }
        return out;
    }

    // Column names fold to lower case: servers differ in how they report an unquoted name.
    private static Map<String, Object> canonical(Map<String, Object> values) {
        Map<String, Object> out = new HashMap<>(values.size() * 2);
        values.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), Canon.of(v)));
        return out;
    }
}
