package io.cutover.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ApplyCounterTest {

    /** A clock moved by the test. */
    private static final class DrivenClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final DrivenClock clock = new DrivenClock();
    private final ApplyCounter counter = new ApplyCounter(clock);

    @Test
    void total_addsEveryChange() {
        counter.add(3);
        counter.add(0);
        counter.add(4);
        assertThat(counter.total()).isEqualTo(7);
    }

    @Test
    void perSecond_isZeroBeforeAnyChange() {
        clock.advance(Duration.ofSeconds(30));
        assertThat(counter.perSecond()).isZero();
    }

    @Test
    void perSecond_dividesByTheCountersAgeWhileYoungerThanTheWindow() {
        counter.add(100);
        clock.advance(Duration.ofSeconds(1));
        counter.add(100);
        clock.advance(Duration.ofSeconds(1));
        assertThat(counter.perSecond()).isCloseTo(100.0, within(0.001));
    }

    @Test
    void perSecond_coversOnlyTheLastWindow() {
        for (int i = 0; i < 30; i++) {
            counter.add(i < 20 ? 1_000 : 50);
            clock.advance(Duration.ofSeconds(1));
        }
        // The last 10 s saw 50 changes a second; the 1,000/s before them is out of the window.
        assertThat(counter.perSecond()).isCloseTo(50.0, within(5.0));
        assertThat(counter.total()).isEqualTo(20 * 1_000 + 10 * 50);
    }

    @Test
    void perSecond_fallsToZeroOnceChangesStop() {
        counter.add(500);
        clock.advance(Duration.ofSeconds(11));
        assertThat(counter.perSecond()).isZero();
        assertThat(counter.total()).isEqualTo(500);
    }

    @Test
    void perSecond_followsAShorterWindow() {
        ApplyCounter shortWindow = new ApplyCounter(clock, Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(5));
        shortWindow.add(10);
        clock.advance(Duration.ofSeconds(1));
        shortWindow.add(30);
        assertThat(shortWindow.perSecond()).isCloseTo(20.0, within(0.001));
        assertThat(shortWindow.window()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void add_rejectsNegativeCounts() {
        assertThatThrownBy(() -> counter.add(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    void constructor_rejectsAWindowUnderOneSecond() {
        assertThatThrownBy(() -> new ApplyCounter(clock, Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> new ApplyCounter(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("clock");
    }
}
