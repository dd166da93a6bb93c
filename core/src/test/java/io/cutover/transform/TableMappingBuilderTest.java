package io.cutover.transform;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableMappingBuilderTest {

    @Test
    void forTable_rejectsNullAndBlank() {
        assertThatThrownBy(() -> Transforms.forTable(null)).isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> Transforms.forTable(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table is blank");
    }

    @Test
    void renameColumn_rejectsNullNamingTheField() {
        assertThatThrownBy(() -> Transforms.forTable("users").renameColumn("name", null))
                .isInstanceOf(NullPointerException.class).hasMessage("to");
    }

    @Test
    void renameColumn_rejectsTheSameName() {
        assertThatThrownBy(() -> Transforms.forTable("users").renameColumn("name", "name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both 'name'");
    }

    @Test
    void renameColumn_rejectsAColumnAnEarlierStepRenamedAway() {
        TableMappingBuilder b = Transforms.forTable("users").renameColumn("name", "full_name");

        assertThatThrownBy(() -> b.renameColumn("name", "x")).isInstanceOf(IllegalStateException.class)
                .hasMessage("mapping of table 'users': column 'name' no longer exists at step #2:"
                        + " it was renamed to 'full_name' by step #1; use its new name");
    }

    @Test
    void addColumn_rejectsAColumnAnEarlierStepCreated() {
        TableMappingBuilder b = Transforms.forTable("users").addColumn("phone", null);

        assertThatThrownBy(() -> b.addComputedColumn("phone", r -> "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("column 'phone' already exists at step #2: it was added by step #1");
    }

    @Test
    void addColumn_mayReuseTheNameOfADroppedColumn() {
        Transforms.forTable("users").dropColumn("phone").addColumn("phone", "n/a").build();
    }

    @Test
    void renameTable_twiceIsAConflict() {
        TableMappingBuilder b = Transforms.forTable("users").renameTable("accounts");

        assertThatThrownBy(() -> b.renameTable("members")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already renamed to 'accounts'");
    }

    @Test
    void renameTable_rejectsItsOwnName() {
        assertThatThrownBy(() -> Transforms.forTable("users").renameTable("users"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitColumn_rejectsASplitThatCannotSplit() {
        assertThatThrownBy(() -> Transforms.forTable("users").splitColumn("name", "a", "b",
                ColumnSplit.mergeOnly((x, y) -> x))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot split");
    }

    @Test
    void splitColumn_rejectsTwoEqualParts() {
        assertThatThrownBy(() -> Transforms.forTable("users").splitColumn("name", "a", "a", ColumnSplit.atFirst(" ")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergeColumns_rejectsASplitThatCannotMerge() {
        assertThatThrownBy(() -> Transforms.forTable("users").mergeColumns("a", "b", "c",
                ColumnSplit.splitOnly(v -> new ColumnSplit.Parts(v, v)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot merge");
    }

    @Test
    void key_declaredTwiceIsAConflict() {
        TableMappingBuilder b = Transforms.forTable("users").key("id");

        assertThatThrownBy(() -> b.key("id")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void key_rejectsEmptyAndRepeated() {
        assertThatThrownBy(() -> Transforms.forTable("users").key()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Transforms.forTable("users").key("id", "id"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void convertColumn_rejectsNullPolicy() {
        assertThatThrownBy(() -> Transforms.forTable("t").convertColumn("c", Conversion.textToLong(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("onFailure");
    }

    @Test
    void custom_rejectsNullReverse() {
        assertThatThrownBy(() -> Transforms.forTable("t").custom("x", r -> r, null))
                .isInstanceOf(NullPointerException.class).hasMessage("reverse");
    }

    @Test
    void build_copies_soLaterStepsDoNotChangeABuiltMapping() {
        TableMappingBuilder b = Transforms.forTable("users").renameColumn("name", "full_name");
        TableMapping first = b.build();
        b.addColumn("phone", null);

        org.assertj.core.api.Assertions.assertThat(first.steps()).hasSize(1);
    }
}
