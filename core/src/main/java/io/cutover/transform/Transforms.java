package io.cutover.transform;

import io.cutover.PreflightException;
import io.cutover.Row;
import io.cutover.ReplicationLink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The entry point to schema-change mappings: build a {@link TableMapping} per table that changes
 * between the source and the target, check it against both schemas, and check on sample rows that
 * its reverse gives them back, all before the cutover starts.
 *
 * <p>The seeds' v1 → v2 change, {@code users(id, name, email)} to
 * {@code accounts(id, first_name, last_name, email, phone)}:
 * <pre>{@code
 * TableMapping users = Transforms.forTable("users")
 *         .key("id")
 *         .renameTable("accounts")
 *         .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" "))
 *         .addComputedColumn("phone", row -> "unknown")
 *         .build();
 *
 * Transforms.checkSchema(users, blueUsers, greenAccounts);        // PreflightException listing every problem
 * Transforms.checkRoundTrip(users, sampleOfBlue, LossyReverse.REFUSE);
 * RowTransform blueToGreen = users;                                // for the forward stream's "users"
 * RowTransform greenToBlue = users.reverse();                      // for the reverse stream's "accounts"
 * }</pre>
 *
 * <p>Cutover never changes the schema: the target's tables and columns are made by the
 * application's own migrations (Flyway, Liquibase, SQL); these checks say what is missing.
 *
 * <p>Thread safety: stateless; every method may be called from any thread.
 */
public final class Transforms {
    private Transforms() {
    }

    /**
     * Starts a mapping of one source table.
     *
     * @param table the source table's name
     * @return a new builder; with no step added, {@code build()} gives the identity mapping
     * @throws NullPointerException if table is null
     * @throws IllegalArgumentException if table is blank
     */
    public static TableMappingBuilder forTable(String table) {
        return new TableMappingBuilder(table);
    }

    /**
     * Lists what keeps a mapping from fitting the real schemas: a step naming a column that does
     * not exist, a table or column missing on the target, a NOT NULL column with no default the
     * mapping gives no value, a type of another family, a key that does not map to the target's
     * primary key. Each problem says its fix. After a {@code custom} step the columns are not
     * known, so missing columns are no longer reported.
     *
     * @param mapping a mapping built by {@link #forTable(String)}
     * @param source the source table's schema
     * @param target the target table's schema, or null when the target has no such table
     * @return the problems, empty when none
     * @throws NullPointerException if mapping or source is null
     * @throws IllegalArgumentException if the mapping was not built by {@link #forTable(String)}
     */
    public static List<String> schemaProblems(TableMapping mapping, TableSchema source, TableSchema target) {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(source, "source");
        return List.copyOf(SchemaChecker.problems(mapping, source, target));
    }

    /**
     * Checks one mapping against the real schemas (see {@link #schemaProblems}).
     *
     * @param mapping a mapping built by {@link #forTable(String)}
     * @param source the source table's schema
     * @param target the target table's schema, or null when the target has no such table
     * @throws NullPointerException if mapping or source is null
     * @throws IllegalArgumentException if the mapping was not built by {@link #forTable(String)}
     * @throws PreflightException listing every problem, each with its fix
     */
    public static void checkSchema(TableMapping mapping, TableSchema source, TableSchema target) {
        List<String> problems = schemaProblems(mapping, source, target);
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
    }

    /**
     * Checks many mappings at once against the schemas a dialect read, with one error for all.
     * To check the reverse stream, pass the reverses with the schemas swapped.
     *
     * @param mappings the mappings, one per source table
     * @param sourceTables the source's tables (at least those the mappings read)
     * @param targetTables the target's tables
     * @throws NullPointerException if an argument or element is null
     * @throws IllegalArgumentException if two mappings read the same table, or a mapping was not
     *     built by {@link #forTable(String)}
     * @throws PreflightException listing every problem of every mapping, each with its fix
     */
    public static void checkSchemas(Collection<TableMapping> mappings, Collection<TableSchema> sourceTables,
                                    Collection<TableSchema> targetTables) {
        Objects.requireNonNull(mappings, "mappings");
        Map<String, TableSchema> sources = byName(sourceTables, "sourceTables");
        Map<String, TableSchema> targets = byName(targetTables, "targetTables");
        List<String> problems = new ArrayList<>();
        Map<String, TableMapping> seen = new HashMap<>();
        for (TableMapping m : mappings) {
            Objects.requireNonNull(m, "mappings element");
            if (seen.put(m.sourceTable(), m) != null) {
                throw new IllegalArgumentException("two mappings read table '" + m.sourceTable() + "'; give one per table");
            }
            problems.addAll(SchemaChecker.problems(m, sources.get(m.sourceTable()), targets.get(m.targetTable())));
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
    }

    /**
     * Maps sample rows forward, then back with the mapping's reverse, and reports what did not
     * come back, without refusing anything. When the mapping knows its key, each row's key alone
     * is also mapped forward and back, as a delete would be.
     *
     * @param mapping the mapping
     * @param samples rows of the mapping's source table, for example sampled from the source
     *     database; iterated once
     * @return the report; {@code lossyAccepted()} is false
     * @throws NullPointerException if an argument or a sample is null
     */
    public static RoundTripReport roundTrip(TableMapping mapping, Iterable<Row> samples) {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(samples, "samples");
        return RoundTripChecker.run(mapping, samples, false);
    }

    /**
     * Checks that the mapping's reverse gives back sample rows, before a cutover: refuses a
     * mapping with no reverse or a sample row that does not map, and refuses a lossy reverse
     * (declared by the mapping, or measured on the samples) unless told to accept it.
     *
     * @param mapping the mapping
     * @param samples rows of the mapping's source table; iterated once
     * @param lossy whether to accept a reverse that loses data
     * @return the report; with {@link LossyReverse#ACCEPT} and loss, {@code lossyAccepted()} is
     *     true and {@code lossyColumns()} names the lost columns
     * @throws NullPointerException if an argument or a sample is null
     * @throws PreflightException listing every problem with its fix: no reverse, rows that do not
     *     map, and (with {@link LossyReverse#REFUSE}) each lost column with an example row
     */
    public static RoundTripReport checkRoundTrip(TableMapping mapping, Iterable<Row> samples, LossyReverse lossy) {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(lossy, "lossy");
        RoundTripReport report = RoundTripChecker.run(mapping, samples, lossy == LossyReverse.ACCEPT);
        if (!report.failures().isEmpty()) {
            throw new PreflightException(report.failures());
        }
        if (lossy == LossyReverse.REFUSE && !report.lossless()) {
            throw new PreflightException(report.problems());
        }
        return report;
    }

    /**
     * Checks mappings against the real databases before the stream starts: each mapping against
     * the target's schema and its reverse against the source's, and the round trip on up to
     * 1,000 rows of each source table. Shorthand for
     * {@code MappingCheck.of(mappings).lossyReverse(lossy).run(source, target)}.
     *
     * @param source the database the mappings read, through JDBC (the application's pool)
     * @param target the database they write
     * @param mappings one per source table, each built by {@link #forTable(String)}
     * @param lossy whether to accept a reverse that loses data
     * @return what was checked and accepted, one line each
     * @throws NullPointerException if an argument or element is null
     * @throws IllegalArgumentException if there is no mapping, two read the same table, or one
     *     was not built by {@link #forTable(String)}
     * @throws PreflightException listing every problem of every mapping, each with its fix
     */
    public static List<String> check(DataSource source, DataSource target, Collection<TableMapping> mappings,
                                     LossyReverse lossy) {
        return MappingCheck.of(mappings).lossyReverse(lossy).run(source, target);
    }

    /**
     * Wraps a dialect's link so that the cutover's preflight checks the mappings against the real
     * databases (see {@link MappingCheck#around}); the same policy applies to the rollback over
     * the reverse link. For separate policies, sample sizes or a schema, use {@link MappingCheck}.
     *
     * @param link the dialect's link, whose stream applies these mappings
     * @param blue the application's blue DataSource (not the switcher)
     * @param green the application's green DataSource
     * @param mappings one per source table, each built by {@link #forTable(String)}
     * @param lossy whether to accept a reverse that loses data, in either direction; accepted
     *     losses are recorded in {@code CutoverResult.checks()}
     * @return the wrapped link, to give to {@code Cutover.builder().link(...)}
     * @throws NullPointerException if an argument or element is null
     * @throws IllegalArgumentException if there is no mapping, two read the same table, or one
     *     was not built by {@link #forTable(String)}
     */
    public static ReplicationLink checked(ReplicationLink link, DataSource blue, DataSource green,
                                          Collection<TableMapping> mappings, LossyReverse lossy) {
        Objects.requireNonNull(lossy, "lossy");
        return MappingCheck.of(mappings).lossyReverse(lossy).lossyRollback(lossy).around(link, blue, green);
    }

    private static Map<String, TableSchema> byName(Collection<TableSchema> tables, String field) {
        Objects.requireNonNull(tables, field);
        Map<String, TableSchema> out = new HashMap<>();
        for (TableSchema t : tables) {
            Objects.requireNonNull(t, field + " element");
            if (out.put(t.name(), t) != null) {
                throw new IllegalArgumentException(field + " lists table '" + t.name() + "' twice");
            }
        }
        return out;
    }
}
