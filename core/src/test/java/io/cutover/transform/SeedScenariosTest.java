package io.cutover.transform;

import static io.cutover.transform.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.cutover.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seeds' schema changes, end to end through the API an orchestrator calls. */
class SeedScenariosTest {

    private static final TableSchema USERS_V1 = new TableSchema("users", List.of(
            new TableSchema.Column("id", "bigint", false, true),
            new TableSchema.Column("name", "varchar", true, false),
            new TableSchema.Column("email", "varchar", false, false)), List.of("id"));

    private static final List<Row> BLUE_SAMPLE = List.of(
            row("users", "id", 1L, "name", "Ada Lovelace", "email", "ada@example.org"),
            row("users", "id", 2L, "name", "Grace Brewster Hopper", "email", "grace@example.org"),
            row("users", "id", 3L, "name", "Cher", "email", "cher@example.org"),
            row("users", "id", 4L, "name", null, "email", "nobody@example.org"));

    @Test
    void usersV1ToV2_addsAComputedPhone_andRollbackDropsIt() {
        TableSchema usersV2 = new TableSchema("users", List.of(
                new TableSchema.Column("id", "bigint", false, true),
                new TableSchema.Column("name", "varchar", true, false),
                new TableSchema.Column("email", "varchar", false, false),
                new TableSchema.Column("phone", "varchar", false, true)), List.of("id"));
        TableMapping v1ToV2 = Transforms.forTable("users").key("id")
                .addComputedColumn("phone", r -> "unknown:" + r.get("id"))
                .build();
        TableMapping v2ToV1 = v1ToV2.reverse();

        assertThatCode(() -> Transforms.checkSchema(v1ToV2, USERS_V1, usersV2)).doesNotThrowAnyException();
        assertThatCode(() -> Transforms.checkSchema(v2ToV1, usersV2, USERS_V1)).doesNotThrowAnyException();
        assertThat(Transforms.checkRoundTrip(v1ToV2, BLUE_SAMPLE, LossyReverse.REFUSE).lossless()).isTrue();

        assertThat(v1ToV2.apply(BLUE_SAMPLE.get(0))).isEqualTo(row("users", "id", 1L, "name", "Ada Lovelace",
                "email", "ada@example.org", "phone", "unknown:1"));
        assertThat(v1ToV2.apply(row("users", "id", 1L))).isEqualTo(row("users", "id", 1L));
        Row writtenOnGreen = row("users", "id", 9L, "name", "Alan", "email", "alan@example.org", "phone", "+44 1");
        assertThat(v2ToV1.apply(writtenOnGreen)).isEqualTo(row("users", "id", 9L, "name", "Alan",
                "email", "alan@example.org"));
        assertThat(v2ToV1.apply(row("users", "id", 9L))).isEqualTo(row("users", "id", 9L));
        // v1 cannot hold a phone: what green writes there is lost on rollback, and the reverse says so.
        assertThat(v2ToV1.lossyColumns()).extracting(LossyColumn::column).containsExactly("phone");
    }

    @Test
    void usersToAccounts_renamesTableAndName_forwardAndBack() {
        TableSchema accounts = new TableSchema("accounts", List.of(
                new TableSchema.Column("id", "bigint", false, true),
                new TableSchema.Column("full_name", "text", true, false),
                new TableSchema.Column("email", "varchar", false, false)), List.of("id"));
        TableMapping m = Transforms.forTable("users").key("id")
                .renameTable("accounts")
                .renameColumn("name", "full_name")
                .build();

        Transforms.checkSchema(m, USERS_V1, accounts);
        Transforms.checkSchema(m.reverse(), accounts, USERS_V1);
        assertThat(Transforms.checkRoundTrip(m, BLUE_SAMPLE, LossyReverse.REFUSE).lossless()).isTrue();
        assertThat(Transforms.checkRoundTrip(m.reverse(), List.of(m.apply(BLUE_SAMPLE.get(0))),
                LossyReverse.REFUSE).lossless()).isTrue();

        assertThat(m.apply(BLUE_SAMPLE.get(0))).isEqualTo(
                row("accounts", "id", 1L, "full_name", "Ada Lovelace", "email", "ada@example.org"));
        assertThat(m.apply(row("users", "id", 1L))).isEqualTo(row("accounts", "id", 1L));
        assertThat(m.reverse().apply(row("accounts", "id", 1L))).isEqualTo(row("users", "id", 1L));
        assertThat(m.targetKey(List.of("id"))).containsExactly("id");
    }

    @Test
    void usersToAccounts_splitsNameIntoFirstAndLast_andMergesItBack() {
        TableSchema accounts = new TableSchema("accounts", List.of(
                new TableSchema.Column("id", "bigint", false, true),
                new TableSchema.Column("first_name", "varchar", true, false),
                new TableSchema.Column("last_name", "varchar", true, false),
                new TableSchema.Column("email", "varchar", false, false)), List.of("id"));
        TableMapping m = Transforms.forTable("users").key("id")
                .renameTable("accounts")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" "))
                .build();

        Transforms.checkSchema(m, USERS_V1, accounts);
        Transforms.checkSchema(m.reverse(), accounts, USERS_V1);
        RoundTripReport report = Transforms.checkRoundTrip(m, BLUE_SAMPLE, LossyReverse.REFUSE);
        assertThat(report.rowsChecked()).isEqualTo(4);

        assertThat(m.apply(BLUE_SAMPLE.get(1))).isEqualTo(row("accounts", "id", 2L, "first_name", "Grace",
                "last_name", "Brewster Hopper", "email", "grace@example.org"));
        assertThat(m.apply(BLUE_SAMPLE.get(2)).values()).containsEntry("first_name", "Cher").containsEntry("last_name", null);
        assertThat(m.reverse().apply(row("accounts", "id", 5L, "first_name", "Alan", "last_name", "Turing",
                "email", "alan@example.org"))).isEqualTo(row("users", "id", 5L, "name", "Alan Turing",
                "email", "alan@example.org"));
    }

    @Test
    void mergeOnGreen_ofAFirstNameWithASpace_isCaughtByTheReverseRoundTrip() {
        TableMapping m = Transforms.forTable("users").key("id")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" "))
                .build();
        List<Row> greenSample = List.of(row("users", "id", 5L, "first_name", "Mary Ann", "last_name", "Evans",
                "email", "george@example.org"));

        RoundTripReport report = Transforms.roundTrip(m.reverse(), greenSample);

        assertThat(report.lossyColumns()).extracting(LossyColumn::column).containsExactly("first_name", "last_name");
        assertThat(report.problems()).first().asString().contains("'Mary Ann' came back as 'Mary'");
    }

    @Test
    void usersV2ToV1_rollbackLosesPhones_refusedUnlessAccepted_andRecorded() {
        TableMapping v2ToV1 = Transforms.forTable("users").key("id")
                .addComputedColumn("phone", r -> null).build().reverse();
        List<Row> greenSample = List.of(
                row("users", "id", 1L, "name", "Ada", "email", "ada@example.org", "phone", "+44 20 7946 0000"),
                row("users", "id", 2L, "name", "Grace", "email", "grace@example.org", "phone", null));

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Transforms.checkRoundTrip(v2ToV1, greenSample, LossyReverse.REFUSE))
                .isInstanceOf(io.cutover.PreflightException.class)
                .hasMessageContaining("the reverse loses column 'phone'")
                .hasMessageContaining("'+44 20 7946 0000' came back as null");

        RoundTripReport accepted = Transforms.checkRoundTrip(v2ToV1, greenSample, LossyReverse.ACCEPT);
        assertThat(accepted.lossyAccepted()).isTrue();
        assertThat(accepted.lossyColumns()).extracting(LossyColumn::column).containsExactly("phone");
        assertThat(accepted.differences()).singleElement().satisfies(d -> assertThat(d.key()).containsEntry("id", 1L));
    }
}
