package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link ReplicationStream#status()} builds by default, for streams that do not count. */
class ReplicationStreamStatusTest {

    /** A stream that implements only what the interface requires. */
    private static final class Minimal implements ReplicationStream {
        volatile State state = State.STREAMING;
        volatile Throwable failure;

        @Override
        public String name() {
            return "minimal";
        }

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public Lag lag() {
            return new Lag(4, Duration.ofMillis(250));
        }

        @Override
        public Position appliedPosition() {
            return Position.NONE;
        }

        @Override
        public Fence awaitFence(Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void status_byDefault_reportsStateAndLag_andNoCounts() {
        Instant before = Instant.now();
        StreamStatus s = new Minimal().status();
        assertThat(s.name()).isEqualTo("minimal");
        assertThat(s.state()).isEqualTo(ReplicationStream.State.STREAMING);
        assertThat(s.lag()).isEqualTo(new Lag(4, Duration.ofMillis(250)));
        assertThat(s.appliedPosition()).isEqualTo(Position.NONE);
        assertThat(s.appliedTotal()).isEqualTo(StreamStatus.UNKNOWN);
        assertThat(s.appliedPerSecond()).isNaN();
        assertThat(s.copy()).isNull();
        assertThat(s.lastError()).isNull();
        assertThat(s.takenAt()).isBetween(before, Instant.now());
    }

    @Test
    void status_byDefault_reportsTheFailureRedacted_timedWhenSeen() {
        Minimal m = new Minimal();
        m.state = ReplicationStream.State.FAILED;
        m.failure = new IllegalStateException("lost jdbc:mysql://root:pw@blue:3306/shop?password=pw");
        StreamStatus s = m.status();
        assertThat(s.state()).isEqualTo(ReplicationStream.State.FAILED);
        assertThat(s.lastError().type()).isEqualTo("IllegalStateException");
        assertThat(s.lastError().message()).isEqualTo("lost jdbc:mysql://***@blue:3306/shop?***");
        assertThat(s.lastError().at()).isEqualTo(s.takenAt());
    }
}
