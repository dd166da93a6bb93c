package io.cutover.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgDrain2BenchTest {

    @Test
    void parse_onlyPgdrain2RunsTheSplitDrainAndNothingElse() {
        SuiteOptions o = SuiteOptions.parse(List.of("--only", "pgdrain2", "--changes", "5000"));
        assertTrue(o.pgDrain2());
        assertFalse(o.postgres());
        assertFalse(o.switcher());
        assertFalse(o.tpcb());
        assertEquals(5000, o.changes());
    }

    @Test
    void parse_defaultRunLeavesTheSplitDrainOut() {
        assertFalse(SuiteOptions.parse(List.of()).pgDrain2());
    }

    @Test
    void drain_totalCountsTheJvmProcessAndServersButNotItsOwnThreadsTwice() {
        PgDrain2Bench.Drain d = new PgDrain2Bench.Drain(PgDrain2Bench.Mode.TWO_STREAMS, 40_000,
                Map.of("jvm total (process)", 30.0, "jvm: Debezium decoding (change-event-source-coordinator)", 16.0,
                        "blue: walsender", 12.0, "green: client backends", 8.0));
        assertEquals(50.0, d.totalUsPerChange(), 1e-9);
        assertEquals(2.0, d.coresBusy(), 1e-9); // 50 us per change at 40,000 changes/s
    }
}
