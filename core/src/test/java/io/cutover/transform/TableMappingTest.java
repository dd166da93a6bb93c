package io.cutover.transform;

import static io.cutover.transform.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableMappingTest {

    private static final Row ADA = row("users", "id", 1L, "name", "Ada Lovelace", "email", "ada@example.org");

    @Test
    void build_withNoStepIsTheIdentity() {
        TableMapping m = Transforms.forTable("users").build();

        assertThat(m.apply(ADA)).isEqualTo(ADA);
        assertThat(m.reverse().apply(ADA)).isEqualTo(ADA);
        assertThat(m.isReverseLossless()).isTrue();
        assertThat(m.targetTable()).isEqualTo("users");
    }

    @Test
    void renameTable_writesToTheNewTable_andReverseIsRenameBack() {
        TableMapping m = Transforms.forTable("users").renameTable("accounts").build();

        Row forward = m.apply(ADA);
        assertThat(forward.table()).isEqualTo("accounts");
        assertThat(forward.values()).isEqualTo(ADA.values());
        assertThat(m.reverse().sourceTable()).isEqualTo("accounts");
        assertThat(m.reverse().targetTable()).isEqualTo("users");
        assertThat(m.reverse().apply(forward)).isEqualTo(ADA);
    }

    @Test
    void renameColumn_keepsTheColumnsPlace() {
        TableMapping m = Transforms.forTable("users").renameColumn("name", "full_name").build();

        Row forward = m.apply(ADA);
        assertThat(forward.values()).containsExactly(
                entry("id", 1L), entry("full_name", "Ada Lovelace"), entry("email", "ada@example.org"));
    }

    @Test
    void reverse_ofRenameIsRename() {
        TableMapping m = Transforms.forTable("users").renameColumn("name", "full_name").build();

        assertThat(m.reverse().steps()).containsExactly("renameColumn(full_name -> name)");
        assertThat(m.reverse().apply(m.apply(ADA))).isEqualTo(ADA);
    }

    @Test
    void addColumn_withAConstant_appendsIt() {
        TableMapping m = Transforms.forTable("users").addColumn("active", true).build();

        assertThat(m.apply(ADA).values()).containsExactly(entry("id", 1L), entry("name", "Ada Lovelace"),
                entry("email", "ada@example.org"), entry("active", true));
    }

    @Test
    void addComputedColumn_seesTheRowAsItIsAtThatStep() {
        TableMapping m = Transforms.forTable("users")
                .renameColumn("name", "full_name")
                .addComputedColumn("initial", r -> r.get("full_name").toString().substring(0, 1))
                .build();

        assertThat(m.apply(ADA).get("initial")).isEqualTo("A");
    }

    @Test
    void reverse_ofAddIsDrop_andIsLossless() {
        TableMapping m = Transforms.forTable("users").addColumn("active", true).build();

        assertThat(m.reverse().steps()).containsExactly("dropColumn(active)");
        assertThat(m.reverse().apply(m.apply(ADA))).isEqualTo(ADA);
        assertThat(m.isReverseLossless()).isTrue();
    }

    @Test
    void reverse_ofReverseOfAdd_addsAgainWithTheSameValue() {
        TableMapping m = Transforms.forTable("users").addColumn("active", true).build();

        assertThat(m.reverse().reverse().apply(ADA)).isEqualTo(m.apply(ADA));
    }

    @Test
    void dropColumn_removesIt_andReverseIsLossyLeavingItOut() {
        TableMapping m = Transforms.forTable("users").dropColumn("email").build();

        assertThat(m.apply(ADA).values()).containsOnlyKeys("id", "name");
        assertThat(m.reverse().apply(m.apply(ADA)).values()).containsOnlyKeys("id", "name");
        assertThat(m.isReverseLossless()).isFalse();
        assertThat(m.lossyColumns()).extracting(LossyColumn::column).containsExactly("email");
        assertThat(m.lossyColumns().get(0).reason()).contains("no restore value");
    }

    @Test
    void dropColumn_withARestoreValue_reverseWritesIt_butStaysLossy() {
        TableMapping m = Transforms.forTable("users").dropColumn("email", r -> "unknown@example.org").build();

        Row back = m.reverse().apply(m.apply(ADA));
        assertThat(back.get("email")).isEqualTo("unknown@example.org");
        assertThat(m.isReverseLossless()).isFalse();
        assertThat(m.lossyColumns().get(0).reason()).contains("restore value");
    }

    @Test
    void reverse_ofAddReportsTheDropAsLossyInTheOtherDirection() {
        TableMapping m = Transforms.forTable("users").addComputedColumn("phone", r -> null).build();

        assertThat(m.isReverseLossless()).isTrue();
        assertThat(m.reverse().isReverseLossless()).isFalse();
        assertThat(m.reverse().lossyColumns()).extracting(LossyColumn::column).containsExactly("phone");
    }

    @Test
    void splitColumn_replacesTheColumnInPlaceByItsParts() {
        TableMapping m = Transforms.forTable("users")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" ")).build();

        assertThat(m.apply(ADA).values()).containsExactly(entry("id", 1L), entry("first_name", "Ada"),
                entry("last_name", "Lovelace"), entry("email", "ada@example.org"));
    }

    @Test
    void reverse_ofSplitIsMerge() {
        TableMapping m = Transforms.forTable("users")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" ")).build();

        assertThat(m.reverse().steps()).containsExactly("mergeColumns(first_name, last_name -> name)");
        assertThat(m.reverse().apply(m.apply(ADA))).isEqualTo(ADA);
    }

    @Test
    void splitColumn_ofNullGivesTwoNulls_andMergesBackToNull() {
        TableMapping m = Transforms.forTable("users")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" ")).build();
        Row nameless = row("users", "id", 2L, "name", null, "email", "x@example.org");

        Row forward = m.apply(nameless);
        assertThat(forward.values()).containsEntry("first_name", null).containsEntry("last_name", null);
        assertThat(m.reverse().apply(forward)).isEqualTo(nameless);
    }

    @Test
    void mergeColumns_joinsTwoColumnsAtTheFirstOnesPlace_andReverseSplits() {
        TableMapping m = Transforms.forTable("people")
                .mergeColumns("first_name", "last_name", "name", ColumnSplit.atFirst(" ")).build();
        Row person = row("people", "id", 1L, "first_name", "Grace", "last_name", "Hopper", "born", 1906);

        Row forward = m.apply(person);
        assertThat(forward.values()).containsExactly(entry("id", 1L), entry("name", "Grace Hopper"), entry("born", 1906));
        assertThat(m.reverse().apply(forward)).isEqualTo(person);
    }

    @Test
    void splitColumn_withASplitOnlyHasNoReverse() {
        TableMapping m = Transforms.forTable("users")
                .splitColumn("name", "first_name", "last_name",
                        ColumnSplit.splitOnly(v -> new ColumnSplit.Parts(v, null)))
                .build();

        assertThat(m.hasReverse()).isFalse();
        assertThatThrownBy(m::reverse).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("step #1 splitColumn(name -> first_name, last_name) has no merge")
                .hasMessageContaining("ColumnSplit.of(splitter, merger)");
    }

    @Test
    void convertColumn_convertsAndReverseConvertsBack() {
        TableMapping m = Transforms.forTable("items").convertColumn("qty", Conversion.textToLong()).build();
        Row item = row("items", "id", 1L, "qty", "42");

        assertThat(m.apply(item).get("qty")).isEqualTo(42L);
        assertThat(m.reverse().apply(m.apply(item))).isEqualTo(item);
    }

    @Test
    void convertColumn_leavesNullAlone() {
        TableMapping m = Transforms.forTable("items").convertColumn("qty", Conversion.textToLong()).build();

        assertThat(m.apply(row("items", "id", 1L, "qty", null)).get("qty")).isNull();
    }

    @Test
    void convertColumn_failure_namesTableColumnValueAndKey() {
        TableMapping m = Transforms.forTable("items").key("id").convertColumn("qty", Conversion.textToLong()).build();

        assertThatThrownBy(() -> m.apply(row("items", "id", 7L, "qty", "forty-two")))
                .isInstanceOfSatisfying(RowTransformException.class, e -> {
                    assertThat(e.table()).isEqualTo("items");
                    assertThat(e.column()).isEqualTo("qty");
                    assertThat(e.value()).isEqualTo("forty-two");
                    assertThat(e.key()).containsEntry("id", 7L);
                    assertThat(e.getCause()).isInstanceOf(NumberFormatException.class);
                })
                .hasMessageContaining("table 'items'")
                .hasMessageContaining("convertColumn(qty: text -> numeric)")
                .hasMessageContaining("'forty-two'")
                .hasMessageContaining("{id=7}")
                .hasMessageContaining("OnFailure.useNull()");
    }

    @Test
    void convertColumn_withAFallback_writesItAndMarksTheColumnLossy() {
        TableMapping m = Transforms.forTable("items")
                .convertColumn("qty", Conversion.textToLong(), OnFailure.use(0L)).build();

        assertThat(m.apply(row("items", "id", 7L, "qty", "forty-two")).get("qty")).isEqualTo(0L);
        assertThat(m.apply(row("items", "id", 8L, "qty", "3")).get("qty")).isEqualTo(3L);
        assertThat(m.lossyColumns()).extracting(LossyColumn::column).containsExactly("qty");
    }

    @Test
    void convertColumn_withAComputedFallback_seesTheRow() {
        TableMapping m = Transforms.forTable("items")
                .convertColumn("qty", Conversion.textToLong(), OnFailure.compute(r -> -((Long) r.get("id"))))
                .build();

        assertThat(m.apply(row("items", "id", 7L, "qty", "?")).get("qty")).isEqualTo(-7L);
    }

    @Test
    void convertColumn_oneWayHasNoReverse() {
        TableMapping m = Transforms.forTable("items")
                .convertColumn("qty", Conversion.oneWay(TypeFamily.TEXT, TypeFamily.NUMERIC, v -> Long.valueOf(v.toString()))).build();

        assertThatThrownBy(m::reverse).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("convertColumn(qty: text -> numeric) is one-way");
    }

    @Test
    void custom_appliesTheFunction() {
        TableMapping m = Transforms.forTable("users")
                .custom("lower-case email", r -> withValue(r, "email", r.get("email").toString().toUpperCase()),
                        r -> withValue(r, "email", r.get("email").toString().toLowerCase()))
                .build();

        assertThat(m.apply(ADA).get("email")).isEqualTo("ADA@EXAMPLE.ORG");
        assertThat(m.reverse().apply(m.apply(ADA))).isEqualTo(ADA);
    }

    @Test
    void reverse_ofCustomWithoutItsReverseFailsNamingTheStep() {
        TableMapping m = Transforms.forTable("users")
                .renameColumn("name", "full_name")
                .custom("normalise email", r -> r)
                .build();

        assertThat(m.hasReverse()).isFalse();
        assertThat(m.isReverseLossless()).isFalse();
        assertThatThrownBy(m::reverse).isInstanceOf(IllegalStateException.class)
                .hasMessage("mapping of table 'users' has no reverse: step #2 custom('normalise email') has no reverse;"
                        + " give it with custom(description, forward, reverse)");
    }

    @Test
    void custom_thatThrowsIsReportedWithTheStepAndKey() {
        TableMapping m = Transforms.forTable("users").key("id")
                .custom("explode", r -> {
                    throw new IllegalStateException("boom");
                }).build();

        assertThatThrownBy(() -> m.apply(ADA)).isInstanceOf(RowTransformException.class)
                .hasMessageContaining("custom('explode')").hasMessageContaining("boom").hasMessageContaining("{id=1}");
    }

    @Test
    void steps_applyInTheOrderGiven() {
        TableMapping renameThenAdd = Transforms.forTable("users")
                .renameColumn("name", "full_name")
                .addComputedColumn("greeting", r -> "Hello " + r.get("full_name"))
                .build();
        TableMapping addThenRename = Transforms.forTable("users")
                .addComputedColumn("greeting", r -> "Hello " + r.get("full_name"))
                .renameColumn("name", "full_name")
                .build();

        assertThat(renameThenAdd.apply(ADA).get("greeting")).isEqualTo("Hello Ada Lovelace");
        assertThat(addThenRename.apply(ADA).get("greeting")).isEqualTo("Hello null");
    }

    @Test
    void reverse_undoesAChainInReverseOrder() {
        TableMapping m = Transforms.forTable("users")
                .renameTable("accounts")
                .renameColumn("name", "full_name")
                .splitColumn("full_name", "first_name", "last_name", ColumnSplit.atFirst(" "))
                .renameColumn("first_name", "given_name")
                .addColumn("active", true)
                .build();

        assertThat(m.reverse().steps()).containsExactly(
                "dropColumn(active)",
                "renameColumn(given_name -> first_name)",
                "mergeColumns(first_name, last_name -> full_name)",
                "renameColumn(full_name -> name)",
                "renameTable(accounts -> users)");
        assertThat(m.reverse().apply(m.apply(ADA))).isEqualTo(ADA);
    }

    @Test
    void apply_refusesARowOfAnotherTable() {
        TableMapping m = Transforms.forTable("users").build();

        assertThatThrownBy(() -> m.apply(row("orders", "id", 1L))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapping of table 'users' was given a row of table 'orders'");
    }

    @Test
    void apply_failsOnAFullRowWithoutAColumnAStepNeeds() {
        TableMapping m = Transforms.forTable("users").key("id").renameColumn("nmae", "full_name").build();

        assertThatThrownBy(() -> m.apply(ADA)).isInstanceOf(RowTransformException.class)
                .hasMessageContaining("the row has no column 'nmae'");
    }

    @Test
    void apply_failsRatherThanOverwriteAColumnTheSourceAlreadyHas() {
        TableMapping m = Transforms.forTable("users").addColumn("email", "x").build();

        assertThatThrownBy(() -> m.apply(ADA)).isInstanceOf(RowTransformException.class)
                .hasMessageContaining("already has a column 'email'");
    }

    @Test
    void mapping_isSafeToShareBetweenThreads() throws Exception {
        TableMapping m = Transforms.forTable("users").key("id")
                .renameTable("accounts")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" "))
                .build();
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 8; t++) {
            long base = t * 10_000L;
            threads.add(new Thread(() -> {
                for (long i = base; i < base + 2_000; i++) {
                    Row in = row("users", "id", i, "name", "N" + i + " S" + i, "email", "e" + i);
                    Row out = m.apply(in);
                    if (!out.get("first_name").equals("N" + i) || !m.reverse().apply(out).equals(in)) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong).hasValue(0);
    }

    @Test
    void toString_namesTablesKeyAndSteps() {
        TableMapping m = Transforms.forTable("users").key("id").renameTable("accounts").build();

        assertThat(m).hasToString("TableMapping[users -> accounts, key [id]: renameTable(users -> accounts)]");
    }

    private static java.util.Map.Entry<String, Object> entry(String k, Object v) {
        return new java.util.AbstractMap.SimpleEntry<>(k, v);
    }

    private static Row withValue(Row r, String column, Object value) {
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>(r.values());
        values.put(column, value);
        return new Row(r.table(), values);
    }

    @Test
    void convertColumn_toDecimal_andBack() {
        TableMapping m = Transforms.forTable("prices").convertColumn("amount", Conversion.textToDecimal()).build();
        Row price = row("prices", "id", 1L, "amount", "12.50");

        assertThat(m.apply(price).get("amount")).isEqualTo(new java.math.BigDecimal("12.50"));
        assertThat(m.reverse().apply(m.apply(price))).isEqualTo(price);
    }

    @Test
    void convertColumn_withUseNull_writesNull() {
        TableMapping m = Transforms.forTable("items")
                .convertColumn("qty", Conversion.textToLong(), OnFailure.useNull()).build();

        assertThat(m.apply(row("items", "id", 1L, "qty", "many")).values()).containsEntry("qty", null);
    }

    @Test
    void splitColumn_withACustomSplit_reportsASplitterThatThrows() {
        ColumnSplit byComma = ColumnSplit.of(v -> {
            String[] p = v.toString().split(",", -1);
            if (p.length != 2) {
                throw new IllegalArgumentException("expected one comma");
            }
            return new ColumnSplit.Parts(p[0], p[1]);
        }, (a, b) -> a + "," + b);
        TableMapping m = Transforms.forTable("places").key("id").splitColumn("latlon", "lat", "lon", byComma).build();

        assertThat(m.apply(row("places", "id", 1L, "latlon", "1.5,2.5")).values())
                .containsEntry("lat", "1.5").containsEntry("lon", "2.5");
        assertThatThrownBy(() -> m.apply(row("places", "id", 2L, "latlon", "nowhere")))
                .isInstanceOfSatisfying(RowTransformException.class, e -> {
                    assertThat(e.column()).isEqualTo("latlon");
                    assertThat(e.value()).isEqualTo("nowhere");
                })
                .hasMessageContaining("expected one comma").hasMessageContaining("{id=2}");
    }

    @Test
    void addComputedColumn_thatThrowsNamesTheNewColumn() {
        TableMapping m = Transforms.forTable("users").key("id")
                .addComputedColumn("phone", r -> r.get("missing").toString()).build();

        assertThatThrownBy(() -> m.apply(ADA)).isInstanceOfSatisfying(RowTransformException.class,
                e -> assertThat(e.column()).isEqualTo("phone")).hasMessageContaining("new column 'phone'");
    }
}
