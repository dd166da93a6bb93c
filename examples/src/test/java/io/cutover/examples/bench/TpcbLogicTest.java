package io.cutover.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TpcbLogicTest {

    @Test
    void lagTrace_isBoundedWhenTheEndIsNoWorseThanTheStartPlusSlack() {
        // 2 warm-up samples (large), then steady around 100 ms
        LagTrace t = new LagTrace(List.of(900.0, 400.0, 120.0, 90.0, 110.0, 100.0, 130.0, 95.0, 105.0, 140.0), 2, 50);
        assertThat(t.window()).isEqualTo(2);
        assertThat(t.firstWindowMaxMs()).isEqualTo(120.0);
        assertThat(t.lastWindowMaxMs()).isEqualTo(140.0);
        assertThat(t.bounded()).isTrue();
        assertThat(t.verdict()).startsWith("bounded");
        assertThat(t.startMs()).isEqualTo(120.0);
        assertThat(t.maxMs()).isEqualTo(900.0);
        assertThat(t.endMs()).isEqualTo(140.0);
    }

    @Test
    void lagTrace_isGrowingWhenGreenFallsFurtherBehindEverySecond() {
        List<Double> growing = java.util.stream.IntStream.range(0, 60).mapToObj(s -> 200.0 + s * 150.0).toList();
        LagTrace t = new LagTrace(growing, 5, 250);
        assertThat(t.window()).isEqualTo(10);
        assertThat(t.firstWindowMaxMs()).isEqualTo(200.0 + 14 * 150.0);
        assertThat(t.lastWindowMaxMs()).isEqualTo(200.0 + 59 * 150.0);
        assertThat(t.bounded()).isFalse();
        assertThat(t.verdict()).startsWith("GROWING");
    }

    @Test
    void lagTrace_withTooFewSamplesIsNotJudged() {
        LagTrace t = new LagTrace(List.of(5.0, 6.0), 2, 0);
        assertThat(t.judgeable()).isFalse();
        assertThat(t.bounded()).isFalse();
        assertThat(t.verdict()).startsWith("not judged");
        assertThatThrownBy(() -> new LagTrace(List.of(), -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void behindMs_isHowLongAgoBlueHadCommittedWhatGreenHolds() {
        long s = 1_000_000_000L;
        long[] t = {0, s, 2 * s, 3 * s};
        long[] committed = {0, 1000, 2000, 3000};
        // green holds 1500: blue had that at 1.5 s; now is 3.2 s
        assertThat(LagTrace.behindMs(t, committed, 4, 1500, 3 * s + s / 5)).isCloseTo(1700.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(LagTrace.behindMs(t, committed, 4, 3000, 3 * s + s / 5)).isZero();
        assertThat(LagTrace.behindMs(t, committed, 4, 0, 3 * s)).isCloseTo(3000.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(LagTrace.behindMs(t, committed, 2, 500, s)).isCloseTo(500.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void cpuGroups_nameTheThreadsAndProcessesTheBreakdownIsAbout() {
        assertThat(CpuProfile.javaGroup("tpcb-writer-7")).startsWith("load writers");
        assertThat(CpuProfile.javaGroup("debezium-postgresconnector-tpcb0-change-event-source-coordinator"))
                .startsWith("Debezium decoding");
        assertThat(CpuProfile.javaGroup("cutover-engine-tpcb0")).startsWith("Cutover engine/apply");
        assertThat(CpuProfile.javaGroup("HikariPool-12 housekeeper")).isEqualTo("HikariPool-N housekeeper");
        assertThat(CpuProfile.vmGroup("GC Thread#1")).isEqualTo("jvm GC threads");
        assertThat(CpuProfile.vmGroup("G1 Conc#0")).isEqualTo("jvm GC threads");
        assertThat(CpuProfile.vmGroup("C2 CompilerThre")).isEqualTo("jvm JIT compilers");
        assertThat(CpuProfile.serverGroup("postgres: walsender bench 127.0.0.1(51234) START_REPLICATION"))
                .isEqualTo("walsender");
        assertThat(CpuProfile.serverGroup("postgres: logical replication apply worker for subscription 16411"))
                .isEqualTo("logical replication apply worker");
        assertThat(CpuProfile.serverGroup("postgres: bench bench 127.0.0.1(40112) idle")).isEqualTo("client backends");
        assertThat(CpuProfile.serverGroup("postgres: checkpointer ")).isEqualTo("checkpointer");
    }

    @Test
    void parse_tpcbHasItsOwnSizesAndIsNotPartOfAll() {
        SuiteOptions quick = SuiteOptions.parse(List.of("--only", "tpcb", "--quick"));
        assertThat(quick.tpcb()).isTrue();
        assertThat(quick.postgres()).isFalse();
        assertThat(quick.switcher()).isFalse();
        assertThat(List.of(quick.scale(), quick.writers(), quick.seconds(), quick.cutovers(), quick.rounds()))
                .containsExactly(1, 2, 10, 3, 1);
        SuiteOptions full = SuiteOptions.parse(List.of("--only", "tpcb", "--scale", "5", "--writers", "8", "--seconds", "60"));
        assertThat(List.of(full.scale(), full.writers(), full.seconds(), full.cutovers(), full.rounds()))
                .containsExactly(5, 8, 60, 20, 2);
        assertThat(SuiteOptions.parse(List.of()).tpcb()).isFalse();
        assertThatThrownBy(() -> new TpcbTables(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
