package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FinishReportTest {

    @Test
    void removedFrom_returnsEachSidesLines() {
        FinishReport r = new FinishReport("orders", List.of("table cutover_fence"), List.of("replication slot s", "table t"),
                List.of());
        assertThat(r.removedFrom(Side.BLUE)).containsExactly("table cutover_fence");
        assertThat(r.removedFrom(Side.GREEN)).containsExactly("replication slot s", "table t");
        assertThat(r.isEmpty()).isFalse();
    }

    @Test
    void isEmpty_countsRemovalsOnly_notWhatWasLeftInPlace() {
        FinishReport r = new FinishReport("orders", List.of(), List.of(), List.of("blue: read_only = ON"));
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.summary()).contains("nothing left to remove", "left in place: blue: read_only = ON");
    }

    @Test
    void constructor_copiesTheLists() {
        List<String> blue = new ArrayList<>(List.of("a"));
        FinishReport r = new FinishReport("orders", blue, List.of(), List.of());
        blue.add("b");
        assertThat(r.removedFromBlue()).containsExactly("a");
        assertThatThrownBy(() -> r.removedFromBlue().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void constructor_rejectsNulls() {
        assertThatThrownBy(() -> new FinishReport(null, List.of(), List.of(), List.of()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("link");
        assertThatThrownBy(() -> new FinishReport("x", null, List.of(), List.of()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("removedFromBlue");
        assertThatThrownBy(() -> new FinishReport("x", List.of(), List.of(), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("leftInPlace");
        assertThatThrownBy(() -> new FinishReport("x", java.util.Arrays.asList("a", null), List.of(), List.of()))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void summary_listsEachSidesRemovals() {
        FinishReport r = new FinishReport("orders-green-to-blue", List.of("guard g"), List.of("slot s", "publication p"),
                List.of());
        assertThat(r.summary()).contains("finished 'orders-green-to-blue'", "removed from blue: guard g",
                "removed from green: slot s, publication p").doesNotContain("nothing left");
    }

    @Test
    void recordsWithTheSameLines_areEqual() {
        assertThat(new FinishReport("x", List.of("a"), List.of(), List.of()))
                .isEqualTo(new FinishReport("x", new ArrayList<>(List.of("a")), List.of(), List.of()));
    }

    @Test
    void incomplete_listsEveryRemainingObject_andKeepsThePartialReport() {
        FinishReport partial = new FinishReport("orders", List.of("table cutover_fence"), List.of(), List.of());
        FinishIncompleteException e = new FinishIncompleteException(partial,
                List.of("green: table cutover_offsets (refused); by hand: DROP TABLE cutover_offsets"));
        assertThat(e.phase()).isEqualTo(Phase.FINISH);
        assertThat(e.report()).isSameAs(partial);
        assertThat(e.getMessage()).contains("removed 1 object(s) but could not remove 1", "by hand: DROP TABLE cutover_offsets",
                "call finish() again");
        assertThatThrownBy(() -> new FinishIncompleteException(partial, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
