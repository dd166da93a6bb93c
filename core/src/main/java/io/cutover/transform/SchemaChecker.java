package io.cutover.transform;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Compares what a mapping writes with the target's real schema. Stateless. */
final class SchemaChecker {
    private SchemaChecker() {
    }

    static List<String> problems(TableMapping mapping, TableSchema source, TableSchema target) {
        String label = "mapping of table '" + mapping.sourceTable() + "'";
        List<String> problems = new ArrayList<>();
        if (!(mapping instanceof StepChainMapping chain)) {
            throw new IllegalArgumentException(label + " was not built by Transforms.forTable; only such mappings can be checked");
        }
        if (source == null) {
            problems.add(label + ": the source has no table '" + mapping.sourceTable()
                    + "'; fix the table name in Transforms.forTable");
            return problems;
        }
        if (!source.name().equals(mapping.sourceTable())) {
            problems.add(label + ": was given the source schema of table '" + source.name()
                    + "'; pass the schema of '" + mapping.sourceTable() + "'");
            return problems;
        }
        if (!mapping.sourceKey().isEmpty() && !source.primaryKey().isEmpty()
                && !mapping.sourceKey().equals(source.primaryKey())) {
            problems.add(label + ": declares key " + mapping.sourceKey() + " but the source's primary key is "
                    + source.primaryKey() + "; declare key" + source.primaryKey() + " instead");
        }
        Map<String, Shape.Col> cols = new LinkedHashMap<>();
        for (TableSchema.Column c : source.columns()) {
            cols.put(c.name(), new Shape.Col(c.family(), c.nullable(), "source column '" + source.name() + "." + c.name()
                    + "' " + c.typeName(), source.primaryKey().contains(c.name())));
        }
        Shape shape = chain.trace(new Shape(source.name(), cols, false));
        problems.addAll(shape.problems());

        String table = shape.table();
        if (target == null) {
            problems.add(label + ": table '" + table + "' does not exist on the target; create it with your schema"
                    + " migration tool (Cutover never issues DDL), or fix renameTable in the mapping");
            return problems;
        }
        if (!target.name().equals(table)) {
            problems.add(label + ": writes table '" + table + "' but was given the target schema of table '"
                    + target.name() + "'; pass the schema of '" + table + "', or fix renameTable in the mapping");
            return problems;
        }
        boolean opaque = shape.isOpaque();
        for (Map.Entry<String, Shape.Col> e : shape.columns().entrySet()) {
            String name = e.getKey();
            Shape.Col col = e.getValue();
            Optional<TableSchema.Column> found = target.column(name);
            if (found.isEmpty()) {
                if (!opaque) {
                    problems.add(label + ": column '" + table + "." + name + "' (" + col.origin()
                            + ") does not exist on the target; add it on the target, or drop or rename it in the mapping"
                            + nearMatch(target, name));
                }
                continue;
            }
            TableSchema.Column tc = found.get();
            if (!col.family().compatibleWith(tc.family())) {
                problems.add(label + ": column '" + table + "." + name + "' is " + tc.typeName() + " ("
                        + tc.family().label() + ") on the target but the mapping writes " + col.family().label()
                        + " (" + col.origin() + "); convert it with convertColumn, or change the target column's type");
            }
            if (Boolean.TRUE.equals(col.nullable()) && !tc.nullable()) {
                problems.add(label + ": column '" + table + "." + name + "' is NOT NULL on the target but the mapping"
                        + " may write NULL into it (" + col.origin() + "); make it nullable on the target,"
                        + " or give NULLs a value in the mapping");
            }
        }
        if (!opaque) {
            for (TableSchema.Column tc : target.columns()) {
                if (!shape.has(tc.name()) && !tc.nullable() && !tc.hasDefault()) {
                    problems.add(label + ": column '" + table + "." + tc.name() + "' is NOT NULL with no default on"
                            + " the target and the mapping gives it no value; add it with addColumn or"
                            + " addComputedColumn, or give it a default on the target");
                }
            }
        }
        problems.addAll(keyProblems(label, chain, source, target));
        return problems;
    }

    private static List<String> keyProblems(String label, StepChainMapping chain, TableSchema source, TableSchema target) {
        if (source.primaryKey().isEmpty()) {
            return List.of(); // the dialect's preflight reports tables without a primary key
        }
        List<String> mapped;
        try {
            mapped = chain.targetKey(source.primaryKey());
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
        if (target.primaryKey().isEmpty()) {
            return List.of(label + ": table '" + target.name() + "' has no primary key on the target, and the stream"
                    + " upserts and deletes by key; give it the primary key " + mapped);
        }
        if (!new HashSet<>(mapped).equals(new HashSet<>(target.primaryKey()))) {
            return List.of(label + ": the source's primary key " + source.primaryKey() + " maps to " + mapped
                    + " but the target's primary key is " + target.primaryKey()
                    + "; make them match (rename the key columns in the mapping, or change the target's key)");
        }
        return List.of();
    }

    private static String nearMatch(TableSchema target, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (TableSchema.Column c : target.columns()) {
            if (c.name().toLowerCase(Locale.ROOT).equals(lower)) {
                return " (the target has '" + c.name() + "': names are compared exactly)";
            }
        }
        return "";
    }
}
