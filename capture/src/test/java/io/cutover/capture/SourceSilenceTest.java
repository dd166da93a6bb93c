package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ReplicationStream.State;
import io.cutover.StreamStatus;
import io.cutover.spi.CaptureSpec;
import io.cutover.testing.ManualClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * A stream's lag and state while its source is silent: a connector that says it lost its source
 * shows at once, an idle source that keeps sending heartbeats never does. Fake clock, H2 target.
 */
class SourceSilenceTest {

    private static final Map<String, String> SETTINGS = Map.of("connector.class", "fake");

    private final ManualClock clock = new ManualClock();
    private final H2Target target = new H2Target();
    private final CaptureSpec spec = CaptureSpec.builder().name("orders").dialect(new Positioned()).session(() -> SETTINGS)
            .source(target.dataSource).target(target.dataSource).clock(clock).build();
    private final ApplyProgress[] progress = new ApplyProgress[1];
    private final StreamLifecycle lifecycle = new StreamLifecycle("orders", () -> SETTINGS, () -> progress[0].wakeFenceWaiters());
    private final StreamStatusTracker tracker;
    private final AtomicBoolean connected = new AtomicBoolean(true);

    SourceSilenceTest() {
        progress[0] = new ApplyProgress(spec, lifecycle);
        tracker = new StreamStatusTracker("orders", clock, lifecycle, progress[0]);
        lifecycle.start();
        lifecycle.started();
        progress[0].reading(1000, connected::get);
    }

    @Test
    void idleSource_heardByHeartbeats_neverLags_longPastTheSilenceLimit() {
        for (int i = 0; i < 30; i++) { // 36 s without a change, a heartbeat every 1.2 s
            clock.advance(Duration.ofMillis(1200));
            progress[0].received(1, 0, 0);
            progress[0].committed(1, Map.of(), 0);
            StreamStatus s = tracker.status();
            assertThat(s.state()).isEqualTo(State.STREAMING);
            assertThat(s.lag().behind()).as("after %d heartbeats", i + 1).isZero();
        }
    }

    @Test
    void aConnectorNotConnectedYet_beforeTheRunHeardItsSource_isNotTakenForLost() {
        connected.set(false); // the metrics read false until the binlog client first connects
        clock.advance(Duration.ofMillis(1500));
        assertThat(tracker.status().state()).isEqualTo(State.STREAMING);
        assertThat(tracker.status().lag().behind()).isZero();
    }

    @Test
    void aBatchDeliveredBeforeTheConnectorFirstConnects_doesNotMakeItLost_untilItWasSeenConnected() {
        connected.set(false); // a binlog connector may hand over a batch before its client connects
        progress[0].received(1, 0, 0);
        progress[0].committed(1, Map.of(), 0);
        clock.advance(Duration.ofMillis(500));
        assertThat(tracker.status().state()).as("never seen connected in this run").isEqualTo(State.STREAMING);

        connected.set(true);
        progress[0].received(1, 0, 0); // sampled as batches arrive
        progress[0].committed(1, Map.of(), 0);
        connected.set(false);
        assertThat(tracker.status().state()).as("lost after it was seen connected").isEqualTo(State.RECOVERING);

        progress[0].reading(1000, connected::get); // a new run starts over
        assertThat(tracker.status().state()).isEqualTo(State.STREAMING);
    }

    @Test
    void sourceLost_insideTheConnector_showsRecovering_andLagGrowsFromTheLastHeard_untilItReconnects() {
        progress[0].received(1, 0, 0);
        progress[0].committed(1, Map.of(), 0);
        clock.advance(Duration.ofMillis(300));
        connected.set(false); // the binlog client lost its server; the engine keeps polling
        assertThat(tracker.status().state()).isEqualTo(State.RECOVERING);
        assertThat(tracker.status().lag().behind()).isEqualTo(Duration.ofMillis(300));
        clock.advance(Duration.ofMillis(1200));
        assertThat(tracker.status().lag().behind()).as("well under the silence limit of 2 s").isEqualTo(Duration.ofMillis(1500));
        assertThat(lifecycle.state()).as("the lifecycle itself never failed").isEqualTo(State.STREAMING);

        connected.set(true);
        progress[0].received(1, 0, 0);
        progress[0].committed(1, Map.of(), 0);
        assertThat(tracker.status().state()).isEqualTo(State.STREAMING);
        assertThat(tracker.status().lag().behind()).isZero();
    }

    @Test
    void streamingMetrics_ofAConnector_readItsConnectedAttribute_andUnknownCountsAsConnected() throws Exception {
        assertThat(SourceConnection.of("cutover_missing_stream").connected()).as("no metrics registered").isTrue();
        assertThat(SourceConnection.of("cutover_missing_stream").saysConnected()).as("not said, only assumed").isFalse();
        assertThat(SourceConnection.of(null).connected()).isTrue();

        Flag flag = new Flag();
        ObjectName name = new ObjectName("debezium.fake:type=connector-metrics,context=streaming,server=cutover_silence_test");
        ManagementFactory.getPlatformMBeanServer().registerMBean(flag, name);
        try {
            SourceConnection c = SourceConnection.of("cutover_silence_test");
            assertThat(c.connected()).isTrue();
            assertThat(c.saysConnected()).isTrue();
            flag.connected = false;
            assertThat(c.connected()).isFalse();
            assertThat(c.saysConnected()).isFalse();
        } finally {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
        flag.connected = false;
        assertThat(SourceConnection.of("cutover_silence_test").connected()).as("unregistered once the engine stopped").isTrue();
    }

    /** H2's SQL, with a position for every offset. */
    private static final class Positioned implements io.cutover.spi.CaptureDialect {
        private final H2Target.Dialect sql = new H2Target.Dialect();

        @Override
        public String upsertSql(String table, java.util.List<String> columns, java.util.List<String> keyColumns) {
            return sql.upsertSql(table, columns, keyColumns);
        }

        @Override
        public String deleteSql(String table, java.util.List<String> keyColumns) {
            return sql.deleteSql(table, keyColumns);
        }

        @Override
        public void bind(java.sql.PreparedStatement statement, int index, Object value, String columnType) throws java.sql.SQLException {
            sql.bind(statement, index, value, columnType);
        }

        @Override
        public io.cutover.Position position(Map<String, ?> sourceOffset) {
            return new io.cutover.Position("offset " + sourceOffset);
        }
    }

    /** The management interface of {@link Flag}. */
    public interface FlagMBean {
        /** @return whether connected */
        boolean isConnected();
    }

    /** A streaming metrics bean with only the {@code Connected} attribute. */
    public static final class Flag implements FlagMBean {
        volatile boolean connected = true;

        @Override
        public boolean isConnected() {
            return connected;
        }
    }
}
