package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.RowTransform;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PgCopyPlannerTest {

    private static PgCopyTable table(String name) {
        return new PgCopyTable(name, name, List.of("id"), PgCopyTable.Mode.BINARY, RowTransform.IDENTITY, Map.of("id", "int8"),
                List.of("id"), Set.of(), false, true);
    }

    private static List<PgCopyChunk> ranges(PgCopyTable t, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> new PgCopyChunk(t, i * 10L, i == n - 1 ? -1 : i * 10L + 10))
                .toList();
    }

    @Test
    void interleave_takesOneChunkOfEachTableInTurn_keepingEachTablesOrder() {
        PgCopyTable a = table("a");
        PgCopyTable b = table("b");
        PgCopyTable c = table("c");
        List<PgCopyChunk> out = PgCopyPlanner.interleave(List.of(ranges(a, 3), List.of(PgCopyChunk.whole(b)), ranges(c, 2)));
        assertThat(out).extracting(ch -> ch.table().sourceTable() + ch.fromPage())
                .containsExactly("a0", "b-1", "c0", "a10", "c10", "a20");
    }

    @Test
    void interleave_ofNothing_isEmpty() {
        assertThat(PgCopyPlanner.interleave(List.of())).isEmpty();
        assertThat(PgCopyPlanner.interleave(List.of(List.of()))).isEmpty();
    }
}
