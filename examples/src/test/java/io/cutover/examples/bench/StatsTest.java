package io.cutover.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentile_isNearestRankOverSortedSamples() {
        Stats s = Stats.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0));
        assertThat(s.median()).isEqualTo(3.0);
        assertThat(s.percentile(99)).isEqualTo(5.0);
        assertThat(s.percentile(20)).isEqualTo(1.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(5.0);
    }

    @Test
    void percentile_ofNoSamplesIsNaN() {
        assertThat(Stats.of(List.of()).median()).isNaN();
    }

    @Test
    void parse_quickScalesEverythingDown() {
        SuiteOptions o = SuiteOptions.parse(List.of("--quick", "--only", "postgres", "--rows", "9000"));
        assertThat(o.switcher()).isFalse();
        assertThat(o.postgres()).isTrue();
        assertThat(o.mariadb()).isFalse();
        assertThat(o.rows()).isEqualTo(9000);
        assertThat(o.cutovers()).isEqualTo(4);
    }
}
