package io.cutover.transform;

import io.cutover.PreflightException;
import io.cutover.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link Catalog} held in memory, recording the sample sizes asked for. */
final class MemoryCatalog implements Catalog {
    private final Map<String, TableSchema> tables = new LinkedHashMap<>();
    private final Map<String, List<Row>> rows = new LinkedHashMap<>();
    final List<String> sampled = new ArrayList<>();
    private String unreachable;

    MemoryCatalog table(TableSchema schema, Row... contents) {
        tables.put(schema.name(), schema);
        rows.put(schema.name(), List.of(contents));
        return this;
    }

    MemoryCatalog unreachable(String why) {
        this.unreachable = why;
        return this;
    }

    @Override
    public synchronized Map<String, TableSchema> tables(Collection<String> names) {
        if (unreachable != null) {
            throw new PreflightException(List.of(unreachable));
        }
        Map<String, TableSchema> out = new LinkedHashMap<>();
        for (String n : names) {
            if (tables.containsKey(n)) {
                out.put(n, tables.get(n));
            }
        }
        return out;
    }

    @Override
    public synchronized List<Row> sample(TableSchema table, int limit) {
        sampled.add(table.name() + " limit " + limit);
        List<Row> all = rows.get(table.name());
        return all.subList(0, Math.min(limit, all.size()));
    }
}
