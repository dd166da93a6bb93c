package io.cutover.transform;

import static io.cutover.transform.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.PreflightException;
import io.cutover.Row;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundTripCheckTest {

    private static final List<Row> USERS = List.of(
            row("users", "id", 1L, "name", "Ada Lovelace", "email", "ada@example.org"),
            row("users", "id", 2L, "name", "Grace", "email", "grace@example.org"),
            row("users", "id", 3L, "name", null, "email", "anon@example.org"));

    @Test
    void checkRoundTrip_passesALosslessMapping() {
        TableMapping m = Transforms.forTable("users").key("id").renameTable("accounts")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" "))
                .addColumn("phone", null).build();

        RoundTripReport report = Transforms.checkRoundTrip(m, USERS, LossyReverse.REFUSE);

        assertThat(report.lossless()).isTrue();
        assertThat(report.rowsChecked()).isEqualTo(3);
        assertThat(report.lossyAccepted()).isFalse();
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void checkRoundTrip_refusesALossyReverse_namingTheColumnAndTheFix() {
        TableMapping m = Transforms.forTable("users").key("id").dropColumn("email").build();

        assertThatThrownBy(() -> Transforms.checkRoundTrip(m, USERS, LossyReverse.REFUSE))
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().contains("table 'users': the reverse loses column 'email'",
                                "differs in 3 of 3 sample rows", "row 1 key {id=1}", "'ada@example.org' did not come back",
                                "LossyReverse.ACCEPT"));
    }

    @Test
    void checkRoundTrip_acceptsALossyReverseWhenAsked_andRecordsIt() {
        TableMapping m = Transforms.forTable("users").key("id").dropColumn("email", r -> "unknown").build();

        RoundTripReport report = Transforms.checkRoundTrip(m, USERS, LossyReverse.ACCEPT);

        assertThat(report.lossyAccepted()).isTrue();
        assertThat(report.lossless()).isFalse();
        assertThat(report.lossyColumns()).extracting(LossyColumn::column).containsExactly("email");
        assertThat(report.differences()).hasSize(3)
                .allSatisfy(d -> assertThat(d.actual()).isEqualTo("unknown"));
    }

    @Test
    void checkRoundTrip_refusesDeclaredLossEvenWhenTheSamplesHappenToComeBack() {
        TableMapping m = Transforms.forTable("users").dropColumn("email", r -> "same@example.org").build();
        List<Row> samples = List.of(row("users", "id", 1L, "name", "A", "email", "same@example.org"));

        assertThatThrownBy(() -> Transforms.checkRoundTrip(m, samples, LossyReverse.REFUSE))
                .isInstanceOf(PreflightException.class).hasMessageContaining("the reverse loses column 'email'");
    }

    @Test
    void checkRoundTrip_measuresLossThatNoStepDeclares() {
        TableMapping m = Transforms.forTable("items").key("id").convertColumn("qty", Conversion.textToLong()).build();
        List<Row> samples = List.of(row("items", "id", 1L, "qty", "7"), row("items", "id", 2L, "qty", "007"));

        RoundTripReport report = Transforms.roundTrip(m, samples);

        assertThat(report.differences()).singleElement().satisfies(d -> {
            assertThat(d.row()).isEqualTo(2);
            assertThat(d.key()).containsEntry("id", 2L);
            assertThat(d.column()).isEqualTo("qty");
            assertThat(d.change()).isEqualTo(RoundTripReport.Change.CHANGED);
            assertThat(d.expected()).isEqualTo("007");
            assertThat(d.actual()).isEqualTo("7");
        });
        assertThat(report.lossyColumns()).singleElement()
                .satisfies(l -> assertThat(l.reason()).contains("1 of 2 sample rows"));
        assertThat(report.problems()).singleElement().asString()
                .contains("the reverse loses column 'qty'", "'007' came back as '7'");
    }

    @Test
    void checkRoundTrip_refusesAMappingWithNoReverse_evenWhenLossIsAccepted() {
        TableMapping m = Transforms.forTable("users").custom("opaque", r -> r).build();

        assertThatThrownBy(() -> Transforms.checkRoundTrip(m, USERS, LossyReverse.ACCEPT))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("has no reverse: step #1 custom('opaque') has no reverse");
    }

    @Test
    void checkRoundTrip_refusesARowThatDoesNotMap_evenWhenLossIsAccepted() {
        TableMapping m = Transforms.forTable("items").key("id").convertColumn("qty", Conversion.textToLong()).build();
        List<Row> samples = List.of(row("items", "id", 1L, "qty", "x"), row("items", "id", 2L, "qty", "y"));

        assertThatThrownBy(() -> Transforms.checkRoundTrip(m, samples, LossyReverse.ACCEPT))
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems()).satisfiesExactly(
                        p -> assertThat(p).contains("sample row 1 does not map forward", "'x'", "{id=1}"),
                        p -> assertThat(p).contains("sample row 2 does not map forward", "'y'", "{id=2}")));
    }

    @Test
    void roundTrip_comparesBytesByContentAndDecimalsByValue() {
        TableMapping m = Transforms.forTable("blobs")
                .custom("copy values", r -> new Row(r.table(), copyWithNewArraysAndScale(r)), r -> r)
                .build();
        List<Row> samples = List.of(row("blobs", "id", 1L, "data", new byte[] {1, 2, 3}, "price", new BigDecimal("1.5")));

        assertThat(Transforms.roundTrip(m, samples).lossless()).isTrue();
    }

    @Test
    void roundTrip_reportsChangedBytes() {
        TableMapping m = Transforms.forTable("blobs")
                .custom("truncate", r -> new Row(r.table(), java.util.Map.of("id", r.get("id"), "data", new byte[] {1})),
                        r -> r)
                .build();

        RoundTripReport report = Transforms.roundTrip(m, List.of(row("blobs", "id", 1L, "data", new byte[] {1, 2})));

        assertThat(report.differences()).singleElement().satisfies(d -> assertThat(d.column()).isEqualTo("data"));
        assertThat(report.problems()).singleElement().asString().contains("byte[2] came back as byte[1]");
    }

    @Test
    void roundTrip_alsoChecksEachRowsKeyAlone_asADeleteWouldCarryIt() {
        TableMapping m = Transforms.forTable("users").key("id")
                .custom("shift ids", r -> withId(r, (Long) r.get("id") + 100), r -> r.values().size() == 1
                        ? r : withId(r, (Long) r.get("id") - 100))
                .build();

        RoundTripReport report = Transforms.roundTrip(m, USERS);

        assertThat(report.differences()).hasSize(3).allSatisfy(d -> {
            assertThat(d.keyOnly()).isTrue();
            assertThat(d.column()).isEqualTo("id");
        });
        assertThat(report.differences().get(0).toString()).contains("key only, as a delete");
    }

    @Test
    void roundTrip_reportsASampleOfAnotherTable() {
        RoundTripReport report = Transforms.roundTrip(Transforms.forTable("users").build(),
                List.of(row("orders", "id", 1L)));

        assertThat(report.failures()).singleElement().asString().contains("is of table 'orders'");
    }

    @Test
    void roundTrip_ofNoSampleIsLosslessWhenNothingIsDeclaredLossy() {
        assertThat(Transforms.roundTrip(Transforms.forTable("users").build(), List.of()).lossless()).isTrue();
    }

    private static java.util.Map<String, Object> copyWithNewArraysAndScale(Row r) {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>(r.values());
        v.put("data", ((byte[]) r.get("data")).clone());
        v.put("price", ((BigDecimal) r.get("price")).setScale(4));
        return v;
    }

    private static Row withId(Row r, long id) {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>(r.values());
        v.put("id", id);
        return new Row(r.table(), v);
    }

    @Test
    void roundTrip_comparesNumbersByValueAcrossTypes() {
        TableMapping m = Transforms.forTable("t")
                .convertColumn("n", Conversion.of(TypeFamily.NUMERIC, TypeFamily.NUMERIC,
                        v -> ((Number) v).longValue(), v -> ((Number) v).intValue()))
                .build();

        assertThat(Transforms.roundTrip(m, List.of(row("t", "n", 5))).lossless()).isTrue();
        assertThat(Values.same(5, 5L)).isTrue();
        assertThat(Values.same(new BigDecimal("1.0"), new BigDecimal("1.00"))).isTrue();
        assertThat(Values.same(Double.NaN, Double.NaN)).isTrue();
        assertThat(Values.same("5", 5)).isFalse();
    }
}
