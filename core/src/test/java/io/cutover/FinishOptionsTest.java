package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FinishOptionsTest {

    @Test
    void defaults_keepTheOldSideGuarded_andWaitThirtySeconds() {
        FinishOptions d = FinishOptions.defaults();
        assertThat(d.makeOldSideWritable()).isFalse();
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30)).isEqualTo(FinishOptions.DEFAULT_TIMEOUT);
        assertThat(FinishOptions.builder().build().makeOldSideWritable()).isFalse();
    }

    @Test
    void build_keepsWhatWasSet() {
        FinishOptions o = FinishOptions.builder().makeOldSideWritable(true).timeout(Duration.ofMillis(1500)).build();
        assertThat(o.makeOldSideWritable()).isTrue();
        assertThat(o.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.toString()).contains("makeOldSideWritable=true", "PT1.5S");
    }

    @Test
    void build_copies_soLaterBuilderChangesDoNotLeakIn() {
        FinishOptions.Builder b = FinishOptions.builder().makeOldSideWritable(true);
        FinishOptions first = b.build();
        b.makeOldSideWritable(false).timeout(Duration.ofSeconds(2));
        assertThat(first.makeOldSideWritable()).isTrue();
        assertThat(first.timeout()).isEqualTo(FinishOptions.DEFAULT_TIMEOUT);
    }

    @Test
    void timeout_rejectsNull() {
        assertThatThrownBy(() -> FinishOptions.builder().timeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void timeout_rejectsZeroAndNegative() {
        assertThatThrownBy(() -> FinishOptions.builder().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> FinishOptions.builder().timeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
    }

    @Test
    void timeout_rejectsMoreThanAnHour() {
        assertThat(FinishOptions.builder().timeout(Duration.ofHours(1)).build().timeout()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> FinishOptions.builder().timeout(Duration.ofHours(1).plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1 hour");
    }
}
