package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApplyPlanTest {

    private static final TargetTables.Table PARENT = new TargetTables.Table("parent", List.of("id"),
            Map.of("id", "int8", "n", "int4", "big", "text"), Set.of());
    private static final TargetTables.Table CHILD = new TargetTables.Table("child", List.of("id"),
            Map.of("id", "int8", "parent_id", "int8"), Set.of("parent"));

    private static ApplyPlan.Item upsert(TargetTables.Table t, long id, Map<String, Object> values) {
        return new ApplyPlan.Item(t, false, List.of(id), values);
    }

    private static ApplyPlan.Item delete(TargetTables.Table t, long id) {
        return new ApplyPlan.Item(t, true, List.of(id), Map.of("id", id));
    }

    @Test
    void collapsed_putsReferencedUpsertsFirst_andReferencingDeletesFirst() {
        List<ApplyPlan.Item> items = List.of(
                upsert(CHILD, 10, Map.of("id", 10L, "parent_id", 1L)),
                upsert(PARENT, 1, Map.of("id", 1L, "n", 0)),
                delete(PARENT, 2),
                delete(CHILD, 20));

        List<ApplyPlan.Step> steps = ApplyPlan.collapsed(items);

        assertThat(steps).extracting(s -> s.table.name() + (s.delete ? " delete" : " upsert"))
                .containsExactly("parent upsert", "child upsert", "child delete", "parent delete");
    }

    @Test
    void collapsed_lastChangeWins_andMergesColumnsAnUpdateDidNotResend() {
        List<ApplyPlan.Item> items = List.of(
                upsert(PARENT, 1, Map.of("id", 1L, "n", 0, "big", "toasted")),
                upsert(PARENT, 1, Map.of("id", 1L, "n", 1)),
                upsert(PARENT, 2, Map.of("id", 2L, "n", 0)),
                delete(PARENT, 2),
                delete(PARENT, 3),
                upsert(PARENT, 3, Map.of("id", 3L, "n", 5)));

        List<ApplyPlan.Step> steps = ApplyPlan.collapsed(items);

        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).rows).containsOnlyKeys(List.of(1L), List.of(3L));
        assertThat(steps.get(0).rows.get(List.of(1L))).containsEntry("n", 1).containsEntry("big", "toasted");
        assertThat(steps.get(0).rows.get(List.of(3L))).containsOnlyKeys("id", "n");
        assertThat(steps.get(1).delete).isTrue();
        assertThat(steps.get(1).rows).containsOnlyKeys(List.of(2L));
    }

    @Test
    void ordered_keepsSourceOrderAcrossTables_groupingOnlyConsecutiveChanges() {
        List<ApplyPlan.Item> items = List.of(
                upsert(PARENT, 1, Map.of("id", 1L)),
                upsert(PARENT, 2, Map.of("id", 2L)),
                upsert(CHILD, 10, Map.of("id", 10L, "parent_id", 1L)),
                delete(CHILD, 10),
                delete(PARENT, 1));

        assertThat(ApplyPlan.ordered(items)).extracting(s -> s.table.name() + (s.delete ? " delete" : " upsert") + s.rows.size())
                .containsExactly("parent upsert2", "child upsert1", "child delete1", "parent delete1");
    }
}
