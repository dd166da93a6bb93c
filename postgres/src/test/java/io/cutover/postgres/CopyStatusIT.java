package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.CopyStatus;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.StreamStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stream's status through its bulk initial copy and after it, on real servers. */
class CopyStatusIT {

    private static PgPair pg;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void status_whileCopying_showsTheTablesAndTheRowsOfTheEstimate_thenTheStreamedChanges() {
        for (String t : new String[] {"big_a", "big_b"}) {
            pg.both("CREATE TABLE " + t + " (id int PRIMARY KEY, pad text NOT NULL)");
            pg.blue.exec("INSERT INTO " + t + " SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 200000) g",
                    "ANALYZE " + t);
        }
        try (ReplicationLink link = pg.builder("copystatus", "big_a", "big_b").build()) {
            ReplicationStream stream = link.stream();
            AtomicReference<StreamStatus> seen = new AtomicReference<>();
            stream.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> {
                StreamStatus s = stream.status();
                if (s.copy() != null && s.copy().rowsCopied() > 0) {
                    seen.set(s);
                    return true;
                }
                assertThat(s.state()).isNotEqualTo(ReplicationStream.State.FAILED);
                return false;
            });
            CopyStatus copy = seen.get().copy();
            assertThat(seen.get().state()).isEqualTo(ReplicationStream.State.COPYING);
            assertThat(copy.tablesTotal()).isEqualTo(2);
            assertThat(copy.tablesDone()).isBetween(0, 2);
            // ANALYZE samples: the estimate is close to the 400,000 rows, not exact.
            assertThat(copy.rowsEstimated()).isBetween(300_000L, 500_000L);
            assertThat(copy.rowsCopied()).isBetween(1L, 400_000L);

            stream.awaitFence(Duration.ofSeconds(60));
            pg.blue.exec("UPDATE big_a SET pad = 'x' WHERE id <= 10", "DELETE FROM big_b WHERE id <= 5");
            stream.awaitFence(Duration.ofSeconds(30));
            StreamStatus after = stream.status();
            assertThat(after.state()).isEqualTo(ReplicationStream.State.STREAMING);
            assertThat(after.copy()).isNull();
            // Copied rows are not changes: only the 15 streamed ones count.
            assertThat(after.appliedTotal()).isEqualTo(15);
            assertThat(after.lastError()).isNull();
            assertThat(pg.green.count("SELECT count(*) FROM big_a")).isEqualTo(200_000);
            assertThat(pg.green.count("SELECT count(*) FROM big_b")).isEqualTo(199_995);
        }
    }
}
