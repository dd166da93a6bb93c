package io.cutover.capture;

import io.cutover.spi.InitialLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopyProgressTest {

    @Test
    void summary_namesTotalRateAndEveryTable() {
        ManualClock clock = new ManualClock();
        CopyProgress progress = new CopyProgress("s1", clock);
        progress.add("users", 30_000);
        progress.add("orders", 50_000);
        progress.add("users", 20_000);
        clock.advance(Duration.ofSeconds(2));

        assertThat(progress.total()).isEqualTo(100_000);
        assertThat(progress.summary()).isEqualTo("100000 rows in 2.0 s (50000 rows/s): orders 50000, users 50000");
    }

    @Test
    void add_fromManyThreads_losesNoCount() throws Exception {
        CopyProgress progress = new CopyProgress("s1", new ManualClock());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String table = "t" + (t % 2);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    progress.add(table, 1);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(progress.total()).isEqualTo(40_000);
        assertThat(progress.summary()).endsWith("t0 20000, t1 20000");
    }

    @Test
    void markers_areToldApartFromConnectorOffsets() {
        assertThat(CopyMarker.isStarted(CopyMarker.STARTED)).isTrue();
        assertThat(CopyMarker.isStarted(CopyMarker.DONE)).isFalse();
        assertThat(CopyMarker.isMarker(CopyMarker.DONE)).isTrue();
        assertThat(CopyMarker.isMarker(new OffsetTable.Stored("[\"cutover-s1\",{\"server\":\"x\"}]", "{\"lsn\":1}", 0))).isFalse();
    }

    @Test
    void start_needsBothPartitionAndOffsetOrNeither() {
        assertThat(InitialLoad.Start.SOURCE_POSITION.offset()).isNull();
        assertThat(InitialLoad.Start.at(Map.of("server", "a"), Map.of("pos", 4L)).offset()).isEqualTo(Map.of("pos", 4L));
        assertThatThrownBy(() -> new InitialLoad.Start(Map.of("server", "a"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both");
    }
}
