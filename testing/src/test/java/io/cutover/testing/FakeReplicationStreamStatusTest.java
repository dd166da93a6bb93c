package io.cutover.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cutover.CopyStatus;
import io.cutover.Lag;
import io.cutover.LastError;
import io.cutover.ReplicationStream.State;
import io.cutover.StreamStatus;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FakeReplicationStreamStatusTest {
    private final ManualClock clock = new ManualClock();
    private final FakeReplicationStream stream = FakeReplicationStream.named("orders").useClock(clock);

    @Test
    void status_ofANewStream_hasNothingAppliedAndNoError() {
        StreamStatus s = stream.status();
        assertThat(s.name()).isEqualTo("orders");
        assertThat(s.state()).isEqualTo(State.NEW);
        assertThat(s.lag()).isEqualTo(Lag.NONE);
        assertThat(s.appliedTotal()).isZero();
        assertThat(s.appliedPerSecond()).isZero();
        assertThat(s.copy()).isNull();
        assertThat(s.lastError()).isNull();
        assertThat(s.takenAt()).isEqualTo(clock.instant());
    }

    @Test
    void status_reportsScriptedLagAndAppliedChangesWithTheirRate() {
        stream.start();
        stream.lagging(new Lag(7, Duration.ofMillis(300)));
        for (int i = 0; i < 4; i++) {
            stream.applies(250);
            clock.advance(Duration.ofSeconds(1));
        }
        StreamStatus s = stream.status();
        assertThat(s.state()).isEqualTo(State.STREAMING);
        assertThat(s.lag()).isEqualTo(new Lag(7, Duration.ofMillis(300)));
        assertThat(s.appliedTotal()).isEqualTo(1_000);
        assertThat(s.appliedPosition()).isEqualTo(io.cutover.Position.NONE);
        stream.awaitFence(Duration.ofSeconds(1));
        assertThat(stream.status().appliedPosition()).isEqualTo(stream.appliedPosition()).isNotEqualTo(io.cutover.Position.NONE);
        assertThat(s.appliedPerSecond()).isCloseTo(250.0, within(0.001));
        assertThat(s.takenAt()).isEqualTo(Instant.parse("2026-01-01T00:00:04Z"));
    }

    @Test
    void status_rateFallsToZeroWhenChangesStopButTheTotalStays() {
        stream.start();
        stream.applies(500);
        clock.advance(Duration.ofSeconds(30));
        assertThat(stream.status().appliedPerSecond()).isZero();
        assertThat(stream.status().appliedTotal()).isEqualTo(500);
    }

    @Test
    void status_keepsTheTotalCountedBeforeAClockWasGiven() {
        FakeReplicationStream s = FakeReplicationStream.named("users");
        s.applies(40);
        s.useClock(clock).applies(2);
        assertThat(s.status().appliedTotal()).isEqualTo(42);
    }

    @Test
    void status_showsTheCopyOnlyWhileCopying() {
        stream.start();
        stream.copying(new CopyStatus(0, 3, 0, 9_000));
        stream.copying(new CopyStatus(1, 3, 3_500, 9_000));
        StreamStatus copying = stream.status();
        assertThat(copying.state()).isEqualTo(State.COPYING);
        assertThat(copying.copyProgress()).contains(new CopyStatus(1, 3, 3_500, 9_000));
        stream.copyDone();
        assertThat(stream.status().state()).isEqualTo(State.STREAMING);
        assertThat(stream.status().copy()).isNull();
    }

    @Test
    void copying_needsAStartedStream() {
        assertThatThrownBy(() -> stream.copying(new CopyStatus(0, 1, 0, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it is NEW: call start() first");
    }

    @Test
    void stop_endsACopy() {
        stream.start();
        stream.copying(new CopyStatus(0, 1, 0, CopyStatus.UNKNOWN));
        stream.stop();
        assertThat(stream.status().state()).isEqualTo(State.STOPPED);
        assertThat(stream.status().copy()).isNull();
    }

    @Test
    void status_keepsTheLastErrorWithItsTimeAfterARestart_withoutTheCredentials() {
        stream.start();
        clock.advance(Duration.ofMinutes(5));
        Instant failedAt = clock.instant();
        stream.fail(new SQLException("cannot connect to jdbc:postgresql://app:hunter2@blue/orders?password=hunter2"));
        clock.advance(Duration.ofMinutes(1));
        stream.start();

        LastError e = stream.status().lastError();
        assertThat(stream.status().state()).isEqualTo(State.STREAMING);
        assertThat(stream.failure()).isEmpty();
        assertThat(e.type()).isEqualTo("SQLException");
        assertThat(e.at()).isEqualTo(failedAt);
        assertThat(e.message()).startsWith("cannot connect to jdbc:postgresql://").doesNotContain("hunter2");
    }
}
