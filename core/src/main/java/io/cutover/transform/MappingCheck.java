package io.cutover.transform;

import io.cutover.PreflightException;
import io.cutover.Row;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The checks a set of mappings must pass against the real databases before a cutover pauses a
 * single write: each mapping against the target's real schema (and its reverse against the
 * source's, since the reverse stream writes there after the flip), and the round trip, mapping
 * then reverse, on up to {@link #sampleRows(int) n} real rows of each source table.
 *
 * <p>Run it on its own with {@link #run(DataSource, DataSource)} while the stream is still being
 * set up, or wrap the dialect's link with {@link #around} so that the cutover's preflight runs it
 * and its report records what was accepted:
 * <pre>{@code
 * ReplicationLink link = MappingCheck.of(List.of(users))
 *         .lossyRollback(LossyReverse.ACCEPT)     // v1 has no phone column: accepted, and recorded
 *         .around(PostgresCutover.builder()...transform("users", users, users.reverse()).build(),
 *                 bluePool, greenPool);
 * }</pre>
 *
 * <p>Two policies: {@link #lossyReverse} for this direction's round trip (rows of the source,
 * mapped to the target and back, as the reverse stream will after the flip) and
 * {@link #lossyRollback} for the round trip checked when rolling back over the reverse link.
 * Both default to {@link LossyReverse#REFUSE}.
 *
 * <p>The checks read schemas and {@code SELECT} sample rows; they never write and never issue DDL.
 *
 * <p>Thread safety: immutable; {@code run} may be called from many threads.
 */
public final class MappingCheck {
    /** Rows sampled per table unless told otherwise. */
    public static final int DEFAULT_SAMPLE_ROWS = 1000;

    private final List<TableMapping> mappings;
    private final int sampleRows;
    private final LossyReverse lossyReverse;
    private final LossyReverse lossyRollback;
    private final String schema;

    private MappingCheck(List<TableMapping> mappings, int sampleRows, LossyReverse lossyReverse,
                         LossyReverse lossyRollback, String schema) {
        this.mappings = mappings;
        this.sampleRows = sampleRows;
        this.lossyReverse = lossyReverse;
        this.lossyRollback = lossyRollback;
        this.schema = schema;
    }

    /**
     * Starts a check of mappings, with 1,000 sample rows per table and lossy reverses refused.
     *
     * @param mappings one per source table, each built by {@link Transforms#forTable(String)}
     * @return the check
     * @throws NullPointerException if mappings or an element is null
     * @throws IllegalArgumentException if there is none, two read the same table, or one was not
     *     built by {@link Transforms#forTable(String)}
     */
    public static MappingCheck of(Collection<TableMapping> mappings) {
        Objects.requireNonNull(mappings, "mappings");
        if (mappings.isEmpty()) {
            throw new IllegalArgumentException("a mapping check needs at least one mapping");
        }
        Set<String> tables = new LinkedHashSet<>();
        for (TableMapping m : mappings) {
            Objects.requireNonNull(m, "mappings element");
            if (!(m instanceof StepChainMapping)) {
                throw new IllegalArgumentException("mapping of table '" + m.sourceTable()
                        + "' was not built by Transforms.forTable; only such mappings can be checked");
            }
            if (!tables.add(m.sourceTable())) {
                throw new IllegalArgumentException("two mappings read table '" + m.sourceTable() + "'; give one per table");
            }
        }
        return new MappingCheck(List.copyOf(mappings), DEFAULT_SAMPLE_ROWS, LossyReverse.REFUSE, LossyReverse.REFUSE, null);
    }

    /**
     * Returns this check reading at most {@code rows} sample rows per source table.
     *
     * @param rows 1 to 1,000,000
     * @return a new check
     * @throws IllegalArgumentException if rows is out of range
     */
    public MappingCheck sampleRows(int rows) {
        if (rows < 1 || rows > 1_000_000) {
            throw new IllegalArgumentException("sampleRows must be 1 to 1,000,000, was " + rows);
        }
        return new MappingCheck(mappings, rows, lossyReverse, lossyRollback, schema);
    }

    /**
     * Returns this check with the policy for this direction's round trip: source rows mapped to
     * the target and back, as the reverse stream will carry them after the flip.
     *
     * @param lossy refuse (default) or accept and record
     * @return a new check
     * @throws NullPointerException if lossy is null
     */
    public MappingCheck lossyReverse(LossyReverse lossy) {
        return new MappingCheck(mappings, sampleRows, Objects.requireNonNull(lossy, "lossyReverse"), lossyRollback, schema);
    }

    /**
     * Returns this check with the policy for the rollback's round trip, checked by the link
     * {@link #around} returns from {@code prepareReverse()}: the target's rows mapped back to the
     * source and forward again. A reverse that drops a column the target has (v2's {@code phone}
     * going back to v1) is lossy here, by construction.
     *
     * @param lossy refuse (default) or accept and record
     * @return a new check
     * @throws NullPointerException if lossy is null
     */
    public MappingCheck lossyRollback(LossyReverse lossy) {
        return new MappingCheck(mappings, sampleRows, lossyReverse, Objects.requireNonNull(lossy, "lossyRollback"), schema);
    }

    /**
     * Returns this check reading tables in the given schema (PostgreSQL) or database (MySQL,
     * MariaDB) on both sides, instead of each connection's current one.
     *
     * @param schema the schema; null for the connections' current one
     * @return a new check
     */
    public MappingCheck schema(String schema) {
        return new MappingCheck(mappings, sampleRows, lossyReverse, lossyRollback, schema);
    }

    /**
     * Returns the check of the reverse direction: each mapping's reverse, with the two policies
     * swapped (this check's rollback policy becomes the new check's {@code lossyReverse}).
     *
     * @return a new check
     * @throws IllegalStateException if a mapping has no reverse; the message names the step
     */
    public MappingCheck reversed() {
        List<TableMapping> reverses = new ArrayList<>(mappings.size());
        for (TableMapping m : mappings) {
            reverses.add(m.reverse());
        }
        return new MappingCheck(List.copyOf(reverses), sampleRows, lossyRollback, lossyReverse, schema);
    }

    /**
     * Returns the mappings checked.
     *
     * @return an immutable list, one per source table
     */
    public List<TableMapping> mappings() {
        return mappings;
    }

    /**
     * Runs every check against the real databases, before a stream or a cutover starts.
     *
     * @param source the database the mappings read (blue before a first cutover)
     * @param target the database they write (green)
     * @return what was checked and accepted, one line each, for logs and reports
     * @throws NullPointerException if an argument is null
     * @throws PreflightException listing every problem of every mapping, each with its fix:
     *     schema mismatches on either side, rows that do not map, and (when refused) lost columns
     */
    public List<String> run(DataSource source, DataSource target) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        return run(new JdbcCatalog(source, schema, "source"), new JdbcCatalog(target, schema, "target"),
                "source", "target");
    }

    /**
     * Wraps a link so that its {@code preflight()} also runs this check against the link's
     * source and target (the link's own problems and the check's are thrown together), its
     * {@code checks()} records what the check accepted, and its {@code prepareReverse()} returns
     * the reverse link wrapped with {@link #reversed()}. Everything else is the link's own.
     *
     * @param link the dialect's link, whose stream applies these mappings
     * @param blue the application's blue DataSource (not the switcher)
     * @param green the application's green DataSource
     * @return the wrapped link
     * @throws NullPointerException if an argument is null
     */
    public ReplicationLink around(ReplicationLink link, DataSource blue, DataSource green) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(blue, "blue");
        Objects.requireNonNull(green, "green");
        return new CheckedLink(link, this, new JdbcCatalog(blue, schema, label(Side.BLUE)),
                new JdbcCatalog(green, schema, label(Side.GREEN)));
    }

    static String label(Side side) {
        return side.name().toLowerCase(Locale.ROOT);
    }

    List<String> run(Catalog source, Catalog target, String sourceLabel, String targetLabel) {
        List<String> problems = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        Map<String, TableSchema> sources = source.tables(mappings.stream().map(TableMapping::sourceTable).toList());
        Map<String, TableSchema> targets = target.tables(
                mappings.stream().map(TableMapping::targetTable).distinct().toList());
        for (TableMapping m : mappings) {
            TableSchema s = sources.get(m.sourceTable());
            TableSchema t = targets.get(m.targetTable());
            String route = "'" + m.sourceTable() + "' " + sourceLabel + " -> '" + m.targetTable() + "' " + targetLabel;
            List<String> schemaProblems = new ArrayList<>();
            for (String p : SchemaChecker.problems(m, s, t)) {
                schemaProblems.add(route + ": " + p);
            }
            if (s != null && t != null && m.hasReverse()) {
                for (String p : SchemaChecker.problems(m.reverse(), t, s)) {
                    schemaProblems.add("reverse stream " + targetLabel + " -> " + sourceLabel + ": " + p);
                }
            }
            problems.addAll(schemaProblems);
            if (schemaProblems.isEmpty()) {
                lines.add("schema: " + route + " fits " + targetLabel + "'s real schema"
                        + (m.hasReverse() ? ", and its reverse fits " + sourceLabel + "'s" : ""));
            }
            if (s == null) {
                continue;
            }
            TableMapping keyed = keyed(m, s, problems, route);
            if (keyed == null) {
                continue;
            }
            List<Row> rows = source.sample(s, sampleRows);
            RoundTripReport report = RoundTripChecker.run(keyed, rows, lossyReverse == LossyReverse.ACCEPT);
            String trip = "round trip: '" + m.sourceTable() + "' " + sourceLabel + " -> " + targetLabel + " -> "
                    + sourceLabel + " on " + report.rowsChecked() + " sample rows";
            if (!report.failures().isEmpty()) {
                report.failures().forEach(f -> problems.add(trip + ": " + f));
            } else if (report.lossless()) {
                lines.add(trip + ": every row came back unchanged");
            } else if (lossyReverse == LossyReverse.REFUSE) {
                report.problems().forEach(p -> problems.add(trip + ": " + p));
            } else {
                lines.add(accepted(trip, report));
            }
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
        return List.copyOf(lines);
    }

    // Deletes carry only the key: check them too, with the source's real primary key when the
    // mapping declares none.
    private static TableMapping keyed(TableMapping m, TableSchema s, List<String> problems, String route) {
        if (!m.sourceKey().isEmpty() || s.primaryKey().isEmpty()) {
            return m;
        }
        try {
            return m.withSourceKey(s.primaryKey());
        } catch (IllegalArgumentException e) {
            problems.add(route + ": " + e.getMessage());
            return null;
        }
    }

    private static String accepted(String trip, RoundTripReport report) {
        StringBuilder sb = new StringBuilder(trip).append(": lossy reverse ACCEPTED (LossyReverse.ACCEPT); loses");
        String sep = " ";
        for (LossyColumn c : report.lossyColumns()) {
            sb.append(sep).append("column '").append(c.column()).append("' (").append(c.reason()).append(')');
            sep = ", ";
        }
        if (!report.differences().isEmpty()) {
            sb.append("; e.g. ").append(report.differences().get(0));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "MappingCheck" + mappings.stream().map(TableMapping::sourceTable).toList() + " sampleRows=" + sampleRows
                + " lossyReverse=" + lossyReverse + " lossyRollback=" + lossyRollback;
    }
}
