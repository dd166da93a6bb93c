package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.RowTransform;
import io.cutover.spi.InitialLoad;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PgCopyTallyTest {

    private static PgCopyTable table(String name) {
        return new PgCopyTable(name, name, List.of("id"), PgCopyTable.Mode.BINARY, RowTransform.IDENTITY, Map.of("id", "int8"),
                List.of("id"), Set.of(), false, true);
    }

    /** The host's side: records what it is told. */
    private static final class Host implements InitialLoad.Context {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Override
        public String stream() {
            return "s";
        }

        @Override
        public DataSource source() {
            return null;
        }

        @Override
        public DataSource target() {
            return null;
        }

        @Override
        public RowTransform transform(String sourceTable) {
            return RowTransform.IDENTITY;
        }

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public void copied(String table, long rows) {
            heard.add("copied " + table + " " + rows);
        }

        @Override
        public void tablePlanned(String sourceTable, long estimatedRows) {
            heard.add("planned " + sourceTable + " ~" + estimatedRows);
        }

        @Override
        public void tableCopied(String sourceTable) {
            heard.add("done " + sourceTable);
        }

        @Override
        public void recordTable(String targetTable, boolean wasEmpty) {
        }

        @Override
        public Map<String, Boolean> recordedTables() {
            return Map.of();
        }

        @Override
        public void forgetRecordedTables() {
        }
    }

    @Test
    void tally_plansEveryTable_andReportsATableCopiedWithItsLastChunk() {
        Host host = new Host();
        PgCopyTable users = table("users");
        PgCopyTable orders = table("orders");
        PgCopyTable empty = table("empty");
        PgCopyTally tally = new PgCopyTally(host, List.of(users, orders, empty), Map.of("users", 1_000L, "orders", 5_000L),
                List.of(new PgCopyChunk(users, 0, 10), new PgCopyChunk(orders, 0, 10), new PgCopyChunk(orders, 10, 20)));

        assertThat(host.heard).containsExactly("planned users ~1000", "planned orders ~5000", "planned empty ~-1", "done empty");
        host.heard.clear();
        tally.copied("orders", 2_400);
        tally.copied("users", 1_000);
        tally.copied("orders", 2_600);
        assertThat(host.heard).containsExactly("copied orders 2400", "copied users 1000", "done users", "copied orders 2600",
                "done orders");
        assertThat(tally.stream()).isEqualTo("s");
    }
}
