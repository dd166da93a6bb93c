package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusRecordsTest {

    private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void copyStatus_reportsTheShareOfTheEstimateCapped() {
        assertThat(new CopyStatus(1, 4, 250, 1_000).fraction()).contains(0.25);
        assertThat(new CopyStatus(4, 4, 1_200, 1_000).fraction()).contains(1.0);
        assertThat(new CopyStatus(0, CopyStatus.UNKNOWN, 10, CopyStatus.UNKNOWN).fraction()).isEmpty();
        assertThat(new CopyStatus(0, CopyStatus.UNKNOWN, 10, CopyStatus.UNKNOWN).estimate()).isEmpty();
        assertThat(new CopyStatus(1, 4, 250, 1_000)).hasToString("1/4 tables, 250 of ~1000 rows");
    }

    @Test
    void copyStatus_rejectsImpossibleCounts() {
        assertThatThrownBy(() -> new CopyStatus(5, 4, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 tables done of only 4");
        assertThatThrownBy(() -> new CopyStatus(0, -2, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CopyStatus(0, 1, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamStatus_summarisesWhatItKnows() {
        StreamStatus s = new StreamStatus("orders", ReplicationStream.State.COPYING, new Lag(3, Duration.ofMillis(40)),
                new Position("lsn 0/16B3748"), 1_200, 35.0, new CopyStatus(1, 2, 500, CopyStatus.UNKNOWN),
                new LastError("SQLException", "connection reset", AT), AT);
        assertThat(s.summary()).isEqualTo("stream 'orders' COPYING, lag 3 events / 40 ms, applied 1200 (35.0/s) up to lsn 0/16B3748,"
                + " copying 1/2 tables, 500 rows, last error SQLException at 2026-01-01T10:00:00Z: connection reset");
        assertThat(s.copyProgress()).isPresent();
        assertThat(s.error()).isPresent();
    }

    @Test
    void streamStatus_leavesOutCountsItDoesNotHave() {
        StreamStatus s = new StreamStatus("orders", ReplicationStream.State.STREAMING, Lag.NONE, Position.NONE, StreamStatus.UNKNOWN,
                Double.NaN, null, null, AT);
        assertThat(s.summary()).isEqualTo("stream 'orders' STREAMING, lag 0 events / 0 ms");
        assertThat(s.copyProgress()).isEmpty();
        assertThat(s.error()).isEmpty();
        assertThatThrownBy(() -> new StreamStatus("orders", ReplicationStream.State.STREAMING, Lag.NONE, Position.NONE, -2, 0, null, null, AT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamStatus("orders", ReplicationStream.State.STREAMING, Lag.NONE, Position.NONE, 0, -1, null, null, AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamStatus_whileRecovering_carriesTheRecovery_withItsErrorRedacted() {
        Recovery r = new Recovery("green", 3, new IllegalStateException("cannot reach jdbc:mysql://green/app?password=hunter2"),
                AT, AT.plusSeconds(4), AT.plusSeconds(300));
        StreamStatus.Recovering recovering = StreamStatus.Recovering.of(r);
        assertThat(recovering.attempts()).isEqualTo(3);
        assertThat(recovering.lost()).isEqualTo("green");
        assertThat(recovering.nextAttemptAt()).isEqualTo(AT.plusSeconds(4));
        assertThat(recovering.givesUpAt()).isEqualTo(AT.plusSeconds(300));
        assertThat(recovering.lastError().type()).isEqualTo("IllegalStateException");
        assertThat(recovering.lastError().message()).doesNotContain("hunter2");
        StreamStatus s = new StreamStatus("orders", ReplicationStream.State.RECOVERING, new Lag(0, Duration.ofSeconds(4)),
                Position.NONE, 10, 0, null, null, AT, recovering);
        assertThat(s.recovering()).contains(recovering);
        assertThat(s.summary()).contains("recovering: lost green since " + AT + ", 3 attempts").doesNotContain("hunter2");
        assertThatThrownBy(() -> new StreamStatus.Recovering("green", -1, recovering.lastError(), AT, AT, AT))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
