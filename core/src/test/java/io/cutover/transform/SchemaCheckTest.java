package io.cutover.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.Phase;
import io.cutover.PreflightException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {

    private static final TableSchema USERS_V1 = new TableSchema("users", List.of(
            col("id", "bigint", false, true),
            col("name", "varchar", true, false),
            col("email", "varchar", false, false)), List.of("id"));

    private static final TableSchema ACCOUNTS = new TableSchema("accounts", List.of(
            col("id", "bigint", false, true),
            col("first_name", "varchar", true, false),
            col("last_name", "varchar", true, false),
            col("email", "character varying(255)", false, false),
            col("phone", "text", true, false)), List.of("id"));

    private static final TableMapping TO_ACCOUNTS = Transforms.forTable("users").key("id")
            .renameTable("accounts")
            .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" "))
            .addComputedColumn("phone", r -> null)
            .build();

    @Test
    void checkSchema_passesAMappingThatFits() {
        assertThatCode(() -> Transforms.checkSchema(TO_ACCOUNTS, USERS_V1, ACCOUNTS)).doesNotThrowAnyException();
    }

    @Test
    void checkSchema_ofTheReverseAgainstTheSwappedSchemasPasses() {
        assertThatCode(() -> Transforms.checkSchema(TO_ACCOUNTS.reverse(), ACCOUNTS, USERS_V1))
                .doesNotThrowAnyException();
    }

    @Test
    void checkSchema_listsEveryProblemAtOnce_eachWithItsFix() {
        TableSchema green = new TableSchema("accounts", List.of(
                col("id", "bigint", false, true),
                col("first_name", "varchar", true, false),
                col("last_name", "varchar", true, false),
                col("email", "integer", false, false),
                col("created_by", "varchar", false, false)), List.of("id"));
        TableMapping m = Transforms.forTable("users").key("id")
                .renameTable("accounts")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" "))
                .renameColumn("emial", "mail")
                .addComputedColumn("phone", r -> null)
                .build();

        assertThatThrownBy(() -> Transforms.checkSchema(m, USERS_V1, green))
                .isInstanceOfSatisfying(PreflightException.class, e -> {
                    assertThat(e.phase()).isEqualTo(Phase.PREFLIGHT);
                    assertThat(e.problems()).hasSize(4);
                    assertThat(e.problems().get(0)).contains("step #3 renameColumn(emial -> mail)",
                            "column 'emial' does not exist", "fix the column name");
                    assertThat(e.problems().get(1)).contains("column 'accounts.email' is integer (numeric) on the"
                            + " target but the mapping writes text", "convertColumn");
                    assertThat(e.problems().get(2)).contains("column 'accounts.phone'", "does not exist on the target",
                            "add it on the target");
                    assertThat(e.problems().get(3)).contains("column 'accounts.created_by' is NOT NULL with no default",
                            "addColumn", "give it a default on the target");
                })
                .hasMessageStartingWith("4 preflight problems:");
    }

    @Test
    void checkSchema_reportsAMissingTargetTable() {
        assertThat(Transforms.schemaProblems(TO_ACCOUNTS, USERS_V1, null)).singleElement().asString()
                .contains("table 'accounts' does not exist on the target", "never issues DDL");
    }

    @Test
    void checkSchema_reportsNullableIntoNotNull() {
        TableSchema green = new TableSchema("users", List.of(
                col("id", "bigint", false, true),
                col("name", "varchar", false, false),
                col("email", "varchar", false, false)), List.of("id"));

        assertThat(Transforms.schemaProblems(Transforms.forTable("users").build(), USERS_V1, green))
                .singleElement().asString().contains("'users.name' is NOT NULL on the target but the mapping may write NULL");
    }

    @Test
    void checkSchema_reportsANullConstantIntoNotNull() {
        TableSchema green = new TableSchema("users", List.of(
                col("id", "bigint", false, true), col("name", "varchar", true, false),
                col("email", "varchar", false, false), col("phone", "varchar", false, false)), List.of("id"));

        assertThat(Transforms.schemaProblems(Transforms.forTable("users").addColumn("phone", null).build(),
                USERS_V1, green)).singleElement().asString().contains("'users.phone' is NOT NULL");
    }

    @Test
    void checkSchema_acceptsConvertedTypes() {
        TableSchema source = new TableSchema("items", List.of(col("id", "int", false, true),
                col("qty", "varchar(10)", true, false)), List.of("id"));
        TableSchema target = new TableSchema("items", List.of(col("id", "int", false, true),
                col("qty", "integer", true, false)), List.of("id"));
        TableMapping plain = Transforms.forTable("items").build();
        TableMapping converted = Transforms.forTable("items").convertColumn("qty", Conversion.textToLong()).build();

        assertThat(Transforms.schemaProblems(plain, source, target)).singleElement().asString()
                .contains("is integer (numeric) on the target but the mapping writes text");
        assertThat(Transforms.schemaProblems(converted, source, target)).isEmpty();
    }

    @Test
    void checkSchema_reportsAConstantOfTheWrongFamily() {
        TableSchema green = new TableSchema("users", List.of(col("id", "bigint", false, true),
                col("name", "varchar", true, false), col("email", "varchar", false, false),
                col("active", "timestamp", true, false)), List.of("id"));

        assertThat(Transforms.schemaProblems(Transforms.forTable("users").addColumn("active", true).build(),
                USERS_V1, green)).singleElement().asString()
                .contains("'users.active' is timestamp (temporal) on the target but the mapping writes boolean");
    }

    @Test
    void checkSchema_reportsAConversionFromTheWrongFamily() {
        TableSchema source = new TableSchema("items", List.of(col("id", "int", false, true),
                col("qty", "bigint", true, false)), List.of("id"));

        assertThat(Transforms.schemaProblems(
                Transforms.forTable("items").convertColumn("qty", Conversion.textToLong()).build(), source, source))
                .anySatisfy(p -> assertThat(p).contains("converts column 'qty' from text but it holds numeric"));
    }

    @Test
    void checkSchema_reportsAKeyThatDoesNotMatchTheTargetsPrimaryKey() {
        TableSchema green = new TableSchema("users", List.of(col("id", "bigint", false, true),
                col("name", "varchar", true, false), col("email", "varchar", false, false)), List.of("email"));

        assertThat(Transforms.schemaProblems(Transforms.forTable("users").build(), USERS_V1, green))
                .singleElement().asString().contains("primary key [id] maps to [id] but the target's primary key is [email]");
    }

    @Test
    void checkSchema_reportsADeclaredKeyThatIsNotThePrimaryKey() {
        assertThat(Transforms.schemaProblems(Transforms.forTable("users").key("email").build(), USERS_V1, USERS_V1))
                .singleElement().asString().contains("declares key [email] but the source's primary key is [id]");
    }

    @Test
    void checkSchema_hintsAtACaseMismatch() {
        TableSchema green = new TableSchema("users", List.of(col("id", "bigint", false, true),
                col("NAME", "varchar", true, false), col("email", "varchar", false, false)), List.of("id"));

        assertThat(Transforms.schemaProblems(Transforms.forTable("users").build(), USERS_V1, green))
                .singleElement().asString().contains("the target has 'NAME'");
    }

    @Test
    void checkSchema_afterACustomStep_doesNotGuessMissingColumns() {
        TableMapping m = Transforms.forTable("users")
                .custom("rename name", r -> r, r -> r)
                .build();
        TableSchema green = new TableSchema("users", List.of(col("id", "bigint", false, true),
                col("display_name", "varchar", false, false), col("email", "varchar", false, false)), List.of("id"));

        assertThat(Transforms.schemaProblems(m, USERS_V1, green)).isEmpty();
    }

    @Test
    void checkSchemas_reportsEveryTableInOneError() {
        TableSchema orders = new TableSchema("orders", List.of(col("id", "bigint", false, true)), List.of("id"));
        TableMapping ordersMapping = Transforms.forTable("orders").addColumn("status", "new").build();

        assertThatThrownBy(() -> Transforms.checkSchemas(List.of(TO_ACCOUNTS, ordersMapping),
                List.of(USERS_V1, orders), List.of(orders)))
                .isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.problems()).satisfiesExactly(
                        p -> assertThat(p).contains("table 'accounts' does not exist on the target"),
                        p -> assertThat(p).contains("column 'orders.status'", "does not exist on the target")));
    }

    @Test
    void checkSchemas_reportsAMappingOfATableTheSourceLacks() {
        assertThatThrownBy(() -> Transforms.checkSchemas(List.of(TO_ACCOUNTS), List.of(), List.of(ACCOUNTS)))
                .isInstanceOf(PreflightException.class).hasMessageContaining("the source has no table 'users'");
    }

    @Test
    void checkSchemas_rejectsTwoMappingsOfOneTable() {
        assertThatThrownBy(() -> Transforms.checkSchemas(List.of(TO_ACCOUNTS, TO_ACCOUNTS), List.of(USERS_V1),
                List.of(ACCOUNTS))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void schemaProblems_refusesAMappingNotBuiltByTransforms() {
        TableMapping foreign = new TableMapping() {
            public String sourceTable() {
                return "users";
            }

            public String targetTable() {
                return "users";
            }

            public List<String> sourceKey() {
                return List.of();
            }

            public TableMapping withSourceKey(List<String> key) {
                return this;
            }

            public io.cutover.Row apply(io.cutover.Row row) {
                return row;
            }

            public io.cutover.Row applyToKey(io.cutover.Row keyRow) {
                return keyRow;
            }

            public List<String> targetKey(List<String> sourceKey) {
                return sourceKey;
            }

            public boolean hasReverse() {
                return true;
            }

            public TableMapping reverse() {
                return this;
            }

            public List<LossyColumn> lossyColumns() {
                return List.of();
            }

            public boolean isReverseLossless() {
                return true;
            }

            public List<String> steps() {
                return List.of();
            }
        };

        assertThatThrownBy(() -> Transforms.schemaProblems(foreign, USERS_V1, USERS_V1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Transforms.forTable");
    }

    @Test
    void tableSchema_rejectsAKeyColumnThatIsNotAColumn() {
        assertThatThrownBy(() -> new TableSchema("t", List.of(col("a", "int", false, false)), List.of("b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b'");
    }

    private static TableSchema.Column col(String name, String type, boolean nullable, boolean hasDefault) {
        return new TableSchema.Column(name, type, nullable, hasDefault);
    }
}
