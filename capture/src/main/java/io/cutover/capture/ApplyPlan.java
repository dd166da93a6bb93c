package io.cutover.capture;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The statements one batch becomes: a list of steps, each a run of upserts or deletes on one
 * table, collapsed by key. Two ways to plan a batch:
 * <ul>
 *   <li>{@link #collapsed}: every change of the batch collapsed by table and key to its final
 *       state, upserts in foreign-key order (referenced tables first), then deletes in the
 *       reverse order. Few statements: the fast path. A unique constraint other than the primary
 *       key can make this order fail where the source's did not; the applier then falls back to
 *   <li>{@link #ordered}: the source's order, consecutive changes of one table and kind grouped.
 * </ul>
 * Both end in the same rows as the source at the end of the batch. Not thread-safe.
 */
final class ApplyPlan {

    /** One transformed change, ready to plan. */
    record Item(TargetTables.Table table, boolean delete, List<Object> key, Map<String, Object> values) {
    }

    /** A run of same-kind changes to one table, by key, in first-seen order. */
    static final class Step {
        final TargetTables.Table table;
        final boolean delete;
        final Map<List<Object>, Map<String, Object>> rows = new LinkedHashMap<>();

        Step(TargetTables.Table table, boolean delete) {
            this.table = table;
            this.delete = delete;
        }

        void add(Item item) {
            Map<String, Object> previous = rows.remove(item.key());
            if (previous != null && !delete) {
                // A later image may lack columns the source did not resend (unchanged TOAST).
                Map<String, Object> merged = new LinkedHashMap<>(previous);
                merged.putAll(item.values());
                rows.put(item.key(), merged);
            } else {
                rows.put(item.key(), item.values());
            }
        }
    }

    private ApplyPlan() {
    }

    static List<Step> ordered(List<Item> items) {
        List<Step> steps = new ArrayList<>();
        Step current = null;
        for (Item item : items) {
            if (current == null || !current.table.name().equals(item.table().name()) || current.delete != item.delete()) {
                current = new Step(item.table(), item.delete());
                steps.add(current);
            }
            current.add(item);
        }
        return steps;
    }

    static List<Step> collapsed(List<Item> items) {
        // Final state per table and key: an upsert (merged with earlier upserts since the last delete) or a delete.
        Map<String, TargetTables.Table> tables = new LinkedHashMap<>();
        Map<String, Map<List<Object>, Item>> finals = new LinkedHashMap<>();
        for (Item item : items) {
            tables.putIfAbsent(item.table().name(), item.table());
            Map<List<Object>, Item> byKey = finals.computeIfAbsent(item.table().name(), k -> new LinkedHashMap<>());
            Item previous = byKey.get(item.key());
            if (previous != null && !previous.delete() && !item.delete()) {
                Map<String, Object> merged = new LinkedHashMap<>(previous.values());
                merged.putAll(item.values());
                byKey.put(item.key(), new Item(item.table(), false, item.key(), merged));
            } else {
                byKey.put(item.key(), item);
            }
        }
        List<String> order = referencedFirst(tables);
        List<Step> steps = new ArrayList<>();
        for (String name : order) {
            Step upserts = new Step(tables.get(name), false);
            finals.get(name).values().stream().filter(i -> !i.delete()).forEach(upserts::add);
            if (!upserts.rows.isEmpty()) {
                steps.add(upserts);
            }
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            Step deletes = new Step(tables.get(order.get(i)), true);
            finals.get(order.get(i)).values().stream().filter(Item::delete).forEach(deletes::add);
            if (!deletes.rows.isEmpty()) {
                steps.add(deletes);
            }
        }
        return steps;
    }

    // Depth-first: a table comes after every table of the batch it references; cycles keep batch order.
    private static List<String> referencedFirst(Map<String, TargetTables.Table> tables) {
        Map<String, String> byLower = new LinkedHashMap<>();
        tables.keySet().forEach(n -> byLower.put(simple(n), n));
        List<String> order = new ArrayList<>();
        Set<String> visiting = new HashSet<>();
        for (String name : tables.keySet()) {
            visit(name, tables, byLower, visiting, order);
        }
        return order;
    }

    private static void visit(String name, Map<String, TargetTables.Table> tables, Map<String, String> byLower,
            Set<String> visiting, List<String> order) {
        if (order.contains(name) || !visiting.add(name)) {
            return;
        }
        for (String ref : tables.get(name).references()) {
            String other = byLower.get(ref);
            if (other != null && !other.equals(name)) {
                visit(other, tables, byLower, visiting, order);
            }
        }
        order.add(name);
    }

    private static String simple(String name) {
        int dot = name.lastIndexOf('.');
        return (dot < 0 ? name : name.substring(dot + 1)).toLowerCase(Locale.ROOT);
    }
}
