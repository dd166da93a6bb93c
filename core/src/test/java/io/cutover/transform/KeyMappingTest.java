package io.cutover.transform;

import static io.cutover.transform.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyMappingTest {

    private static final TableMapping ACCOUNTS = Transforms.forTable("users").key("id")
            .renameTable("accounts")
            .renameColumn("id", "account_id")
            .renameColumn("name", "full_name")
            .addComputedColumn("phone", r -> "+1-555-" + r.get("account_id"))
            .build();

    @Test
    void apply_toAKeyOnlyRow_renamesButInventsNoColumn() {
        Row deleted = ACCOUNTS.apply(row("users", "id", 7L));

        assertThat(deleted).isEqualTo(row("accounts", "account_id", 7L));
    }

    @Test
    void apply_toAFullRow_addsTheComputedColumn() {
        Row full = ACCOUNTS.apply(row("users", "id", 7L, "name", "Ada", "email", "a@x"));

        assertThat(full.values()).containsEntry("phone", "+1-555-7").containsEntry("full_name", "Ada");
    }

    @Test
    void reverse_mapsTheTargetsKeyOnlyRowBack() {
        Row back = ACCOUNTS.reverse().apply(row("accounts", "account_id", 7L));

        assertThat(back).isEqualTo(row("users", "id", 7L));
        assertThat(ACCOUNTS.reverse().sourceKey()).containsExactly("account_id");
    }

    @Test
    void targetKey_followsRenames() {
        assertThat(ACCOUNTS.targetKey(List.of("id"))).containsExactly("account_id");
    }

    @Test
    void targetKey_ofASplitKeyIsBothParts() {
        TableMapping m = Transforms.forTable("codes")
                .splitColumn("code", "prefix", "number", ColumnSplit.atFirst("-")).build();

        assertThat(m.targetKey(List.of("code"))).containsExactly("prefix", "number");
        assertThat(m.withSourceKey(List.of("code")).apply(row("codes", "code", "AB-12")))
                .isEqualTo(row("codes", "prefix", "AB", "number", "12"));
    }

    @Test
    void targetKey_ofTwoMergedKeyColumnsIsTheMergedColumn() {
        TableMapping m = Transforms.forTable("codes").key("prefix", "number")
                .mergeColumns("prefix", "number", "code", ColumnSplit.atFirst("-")).build();

        assertThat(m.targetKey(List.of("prefix", "number"))).containsExactly("code");
        assertThat(m.apply(row("codes", "prefix", "AB", "number", "12"))).isEqualTo(row("codes", "code", "AB-12"));
    }

    @Test
    void targetKey_refusesAKeyColumnMergedWithANonKeyColumn() {
        TableMapping m = Transforms.forTable("users")
                .mergeColumns("id", "name", "id_name", ColumnSplit.atFirst(":")).build();

        assertThatThrownBy(() -> m.targetKey(List.of("id"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("merges key column 'id' with non-key column 'name'");
    }

    @Test
    void targetKey_refusesADroppedKeyColumn() {
        TableMapping m = Transforms.forTable("users").dropColumn("id").build();

        assertThatThrownBy(() -> m.targetKey(List.of("id"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("drops key column 'id'");
    }

    @Test
    void build_refusesADeclaredKeyThatCannotBeMapped() {
        TableMappingBuilder b = Transforms.forTable("users").key("id").dropColumn("id");

        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("drops key column 'id'");
    }

    @Test
    void apply_convertsAKeyColumnInAKeyOnlyRow() {
        TableMapping m = Transforms.forTable("legacy").key("code")
                .convertColumn("code", Conversion.textToLong()).addColumn("note", "n").build();

        assertThat(m.apply(row("legacy", "code", "12"))).isEqualTo(row("legacy", "code", 12L));
    }

    @Test
    void apply_withoutADeclaredKeyTakesEveryRowAsFull_soApplyToKeyIsForDeletes() {
        TableMapping m = Transforms.forTable("users").renameColumn("name", "full_name").addColumn("active", true).build();

        assertThatThrownBy(() -> m.apply(row("users", "id", 7L))).isInstanceOf(RowTransformException.class)
                .hasMessageContaining("no column 'name'").hasMessageContaining("declare the key");
        assertThat(m.applyToKey(row("users", "id", 7L))).isEqualTo(row("users", "id", 7L));
    }

    @Test
    void withSourceKey_makesKeyOnlyRowsRecognised() {
        TableMapping m = Transforms.forTable("users").addColumn("active", true).build().withSourceKey(List.of("id"));

        assertThat(m.apply(row("users", "id", 7L))).isEqualTo(row("users", "id", 7L));
        assertThat(m.sourceKey()).containsExactly("id");
    }

    @Test
    void applyToKey_refusesANonKeyColumn() {
        assertThatThrownBy(() -> ACCOUNTS.applyToKey(row("users", "id", 7L, "name", "Ada")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[name]").hasMessageContaining("not in the key [id]");
    }

    @Test
    void apply_toACompositeKeyOnlyRow_mapsEveryKeyColumn() {
        TableMapping m = Transforms.forTable("memberships").key("user_id", "group_id")
                .renameColumn("group_id", "team_id").addColumn("role", "member").build();

        assertThat(m.apply(row("memberships", "user_id", 1L, "group_id", 2L)))
                .isEqualTo(row("memberships", "user_id", 1L, "team_id", 2L));
    }

    @Test
    void mergeColumns_ofAKeyOnlyRowWithOneOfTheTwoFails() {
        TableMapping m = Transforms.forTable("users")
                .mergeColumns("id", "name", "id_name", ColumnSplit.atFirst(":")).build();

        assertThatThrownBy(() -> m.applyToKey(row("users", "id", 7L))).isInstanceOf(RowTransformException.class)
                .hasMessageContaining("needs both columns but a delete's key carries only one");
    }

    @Test
    void keyChange_mapsAsTheOldKeysDeleteAndTheNewRowsUpsert() {
        Row deleteOld = ACCOUNTS.apply(row("users", "id", 7L));
        Row upsertNew = ACCOUNTS.apply(row("users", "id", 8L, "name", "Ada", "email", "a@x"));

        assertThat(deleteOld).isEqualTo(row("accounts", "account_id", 7L));
        assertThat(upsertNew.values()).containsEntry("account_id", 8L).containsEntry("phone", "+1-555-8");
        assertThat(ACCOUNTS.targetKey(List.of("id"))).containsExactlyElementsOf(deleteOld.values().keySet());
    }
}
