package io.cutover.transform;

import static io.cutover.transform.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverResult;
import io.cutover.PreflightException;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import io.cutover.testing.FakeReplicationLink;
import io.cutover.testing.RecordingDataSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckedLinkTest {
    private static final TableSchema USERS_V1 = new TableSchema("users", List.of(
            new TableSchema.Column("id", "bigint", false, false),
            new TableSchema.Column("name", "varchar", true, false),
            new TableSchema.Column("email", "varchar", false, false)), List.of("id"));
    private static final TableSchema USERS_V2 = new TableSchema("users", List.of(
            new TableSchema.Column("id", "int8", false, false),
            new TableSchema.Column("name", "text", true, false),
            new TableSchema.Column("email", "text", false, false),
            new TableSchema.Column("phone", "text", false, false)), List.of("id"));

    private final FakeReplicationLink fake = FakeReplicationLink.from(Side.BLUE);
    private final MemoryCatalog blue = new MemoryCatalog().table(USERS_V1,
            row("users", "id", 1L, "name", "Ada Lovelace", "email", "Ada@Example.org"),
            row("users", "id", 2L, "name", "Alan Turing", "email", "alan@example.org"));
    private final MemoryCatalog green = new MemoryCatalog().table(USERS_V2,
            row("users", "id", 3L, "name", "Grace Hopper", "email", "grace@example.org", "phone", "+1 555 0100"));
    private final TableMapping addPhone = Transforms.forTable("users").key("id")
            .addComputedColumn("phone", r -> "+1 555 " + r.get("id")).build();

    private ReplicationLink checked(MappingCheck check) {
        return new CheckedLink(fake, check, blue, green);
    }

    @Test
    void preflight_passes_andChecksRecordTheSchemaAndRoundTrip() {
        ReplicationLink link = checked(MappingCheck.of(List.of(addPhone)));

        link.preflight();

        assertThat(link.checks()).containsExactly(
                "schema: 'users' blue -> 'users' green fits green's real schema, and its reverse fits blue's",
                "round trip: 'users' blue -> green -> blue on 2 sample rows: every row came back unchanged");
        assertThat(blue.sampled).containsExactly("users limit 1000");
        assertThat(green.sampled).isEmpty();
    }

    @Test
    void preflight_throwsTheLinksProblemsAndEveryMappingProblemTogether() {
        fake.preflightFails("green has wal_level=replica; set wal_level=logical (then restart)");
        TableMapping misfit = Transforms.forTable("users").key("id")
                .renameColumn("name", "full_name")
                .build();

        assertThatThrownBy(() -> checked(MappingCheck.of(List.of(misfit))).preflight())
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems()).satisfiesExactly(
                        p -> assertThat(p).contains("wal_level=logical"),
                        p -> assertThat(p).contains("'users.full_name'").contains("does not exist on the target"),
                        p -> assertThat(p).contains("'users.phone' is NOT NULL with no default"),
                        p -> assertThat(p).startsWith("reverse stream green -> blue")
                                .contains("column 'full_name' does not exist at this step"),
                        p -> assertThat(p).startsWith("reverse stream green -> blue").contains("'users.phone'")
                                .contains("does not exist on the target")));
    }

    @Test
    void preflight_refusesAMeasuredLossyReverse_namingTheColumnAndAnExampleRow() {
        TableMapping lower = Transforms.forTable("users").key("id")
                .custom("lower-case emails", r -> lowerEmail(r), r -> r)
                .addComputedColumn("phone", r -> "+1 555 " + r.get("id"))
                .build();

        assertThatThrownBy(() -> checked(MappingCheck.of(List.of(lower))).preflight())
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().contains("column 'email'").contains("1 of 2 sample rows")
                        .contains("'Ada@Example.org' came back as 'ada@example.org'")
                        .contains("LossyReverse.ACCEPT"));
    }

    @Test
    void preflight_acceptsALossyReverseWhenAsked_andTheCutoverResultRecordsIt() {
        TableMapping lower = Transforms.forTable("users").key("id")
                .custom("lower-case emails", r -> lowerEmail(r), r -> r)
                .addComputedColumn("phone", r -> "+1 555 " + r.get("id"))
                .build();
        fake.checksReport("link: green reachable");
        fake.stream().start();
        ReplicationLink link = checked(MappingCheck.of(List.of(lower)).lossyReverse(LossyReverse.ACCEPT));
        ConnectionSwitcher switcher = ConnectionSwitcher.between(RecordingDataSource.named("blue"),
                RecordingDataSource.named("green"));

        CutoverResult result = Cutover.builder().switcher(switcher).link(link).build().execute();

        assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        assertThat(result.checks()).contains("link: green reachable").anySatisfy(line -> assertThat(line)
                .startsWith("round trip: 'users' blue -> green -> blue on 2 sample rows: lossy reverse ACCEPTED")
                .contains("column 'email'"));
    }

    @Test
    void preflight_refusesAMappingWithoutReverse_evenWhenLossIsAccepted() {
        TableMapping oneWay = Transforms.forTable("users").key("id")
                .custom("add phone", r -> withPhone(r))
                .build();

        assertThatThrownBy(() -> checked(MappingCheck.of(List.of(oneWay)).lossyReverse(LossyReverse.ACCEPT)).preflight())
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().contains("add phone"));
    }

    @Test
    void preflight_reportsAnUnreachableDatabaseWithTheLinksProblems() {
        green.unreachable("green: could not read the schema of tables [users]: Connection refused");
        fake.preflightFails("green: Connection refused");

        assertThatThrownBy(() -> checked(MappingCheck.of(List.of(addPhone))).preflight())
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems())
                        .containsExactly("green: Connection refused",
                                "green: could not read the schema of tables [users]: Connection refused"));
    }

    @Test
    void sampleRows_limitsTheRowsRead() {
        checked(MappingCheck.of(List.of(addPhone)).sampleRows(1)).preflight();
        assertThat(blue.sampled).containsExactly("users limit 1");
    }

    @Test
    void preflight_usesTheSourcesPrimaryKey_whenTheMappingDeclaresNone() {
        TableMapping noKey = Transforms.forTable("users")
                .addComputedColumn("phone", r -> "+1 555 " + r.get("id")).build();
        ReplicationLink link = checked(MappingCheck.of(List.of(noKey)));

        link.preflight();

        // Without the key, a key-only row would get a phone added and come back with an extra column.
        assertThat(link.checks()).last().asString().contains("every row came back unchanged");
    }

    @Test
    void prepareReverse_checksTheReversedMappingsOnGreensRows_underTheRollbackPolicy() {
        ReplicationLink link = checked(MappingCheck.of(List.of(addPhone)));
        link.preflight();

        ReplicationLink reverse = link.prepareReverse();

        assertThat(reverse.source()).isEqualTo(Side.GREEN);
        assertThat(fake.reverses()).hasSize(1);
        assertThatThrownBy(reverse::preflight).isInstanceOfSatisfying(PreflightException.class, e ->
                assertThat(e.problems()).singleElement().asString()
                        .startsWith("round trip: 'users' green -> blue -> green on 1 sample rows")
                        .contains("the reverse loses column 'phone'"));
        assertThat(green.sampled).containsExactly("users limit 1000");
    }

    @Test
    void prepareReverse_acceptsTheRollbacksLoss_whenAsked_andRecordsIt() {
        ReplicationLink link = checked(MappingCheck.of(List.of(addPhone)).lossyRollback(LossyReverse.ACCEPT));
        link.preflight();

        ReplicationLink reverse = link.prepareReverse();
        reverse.preflight();

        assertThat(reverse.checks()).containsExactly(
                "schema: 'users' green -> 'users' blue fits blue's real schema, and its reverse fits green's",
                "round trip: 'users' green -> blue -> green on 1 sample rows: lossy reverse ACCEPTED"
                        + " (LossyReverse.ACCEPT); loses column 'phone' (dropped by dropColumn(phone):"
                        + " the reverse writes a computed value, not the original value)"
                        + "; e.g. row 1 key {id=3}: '+1 555 0100' came back as '+1 555 3'");
        ReplicationLink again = reverse.prepareReverse();
        assertThat(again.source()).isEqualTo(Side.BLUE);
        again.preflight();
        assertThat(again.checks()).last().asString().contains("every row came back unchanged");
    }

    @Test
    void delegatesStreamGuardsHandoffAndClose() {
        ReplicationLink link = checked(MappingCheck.of(List.of(addPhone)));

        assertThat(link.stream()).isSameAs(fake.stream());
        assertThat(link.sourceGuard()).isSameAs(fake.sourceGuard());
        assertThat(link.targetGuard()).isSameAs(fake.targetGuard());
        assertThat(link.target()).isEqualTo(Side.GREEN);
        link.close();
        assertThat(fake.isClosed()).isTrue();
        assertThat(((CheckedLink) link).unwrap()).isSameAs(fake);
    }

    @Test
    void of_rejectsNoMappings_twoForOneTable_andForeignMappings() {
        assertThatThrownBy(() -> MappingCheck.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MappingCheck.of(List.of(addPhone, addPhone)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'users'");
        TableMapping foreign = new ForeignMapping(addPhone);
        assertThatThrownBy(() -> MappingCheck.of(List.of(foreign)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Transforms.forTable");
        assertThatThrownBy(() -> MappingCheck.of(List.of(addPhone)).sampleRows(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Transforms.checked(fake, null, null, List.of(addPhone), LossyReverse.REFUSE))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("blue");
    }

    @Test
    void reversed_swapsThePolicies_andRefusesAMappingWithoutReverse() {
        MappingCheck check = MappingCheck.of(List.of(addPhone)).lossyRollback(LossyReverse.ACCEPT);
        assertThat(check.reversed().toString()).contains("lossyReverse=ACCEPT lossyRollback=REFUSE");
        assertThat(check.reversed().mappings()).extracting(TableMapping::sourceTable).containsExactly("users");
        TableMapping oneWay = Transforms.forTable("users").custom("add phone", r -> withPhone(r)).build();
        assertThatThrownBy(() -> MappingCheck.of(List.of(oneWay)).reversed())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("add phone");
    }

    private static io.cutover.Row lowerEmail(io.cutover.Row r) {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>(r.values());
        if (v.get("email") instanceof String s) {
            v.put("email", s.toLowerCase(java.util.Locale.ROOT));
        }
        return new io.cutover.Row(r.table(), v);
    }

    private static io.cutover.Row withPhone(io.cutover.Row r) {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>(r.values());
        v.put("phone", "+1 555 " + r.get("id"));
        return new io.cutover.Row(r.table(), v);
    }

    /** A mapping not built by Transforms.forTable. */
    private record ForeignMapping(TableMapping inner) implements TableMapping {
        @Override public String sourceTable() { return inner.sourceTable(); }
        @Override public String targetTable() { return inner.targetTable(); }
        @Override public List<String> sourceKey() { return inner.sourceKey(); }
        @Override public TableMapping withSourceKey(List<String> key) { return inner.withSourceKey(key); }
        @Override public io.cutover.Row apply(io.cutover.Row row) { return inner.apply(row); }
        @Override public io.cutover.Row applyToKey(io.cutover.Row keyRow) { return inner.applyToKey(keyRow); }
        @Override public List<String> targetKey(List<String> key) { return inner.targetKey(key); }
        @Override public boolean hasReverse() { return inner.hasReverse(); }
        @Override public TableMapping reverse() { return inner.reverse(); }
        @Override public List<LossyColumn> lossyColumns() { return inner.lossyColumns(); }
        @Override public boolean isReverseLossless() { return inner.isReverseLossless(); }
        @Override public List<String> steps() { return inner.steps(); }
    }
}
