package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.ReplicationLink;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A link closed while green is unreachable leaves its offset row on green; once its slot on blue is
 * gone, a new link of the same name refuses to resume from that row (a new slot would skip every
 * change in between) and says how to start over; starting over as told loses nothing.
 */
class StaleOffsetIT {
    private static PgPair pg;
    private static TcpProxy greenProxy;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        greenProxy = TcpProxy.to("green", "localhost", pg.green.port());
    }

    @AfterAll
    static void stop() throws Exception {
        greenProxy.close();
        pg.close();
    }

    @Test
    void anOffsetWhoseSlotIsGone_isRefusedWithHowToStartOver_andStartingOverLosesNothing() throws Exception {
        pg.both("CREATE TABLE stale (id int PRIMARY KEY, v text)");
        pg.blue.exec("INSERT INTO stale VALUES (1, 'copied')");
        ReplicationLink first = PostgresCutover.builder().name("stale")
                .blue("localhost", pg.blue.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .green(greenProxy.host(), greenProxy.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .tables("stale").startTimeout(Duration.ofSeconds(30)).build();
        first.stream().start();
        pg.blue.exec("INSERT INTO stale VALUES (2, 'streamed')");
        first.stream().awaitFence(Duration.ofSeconds(30));
        greenProxy.cut(Duration.ofSeconds(2));
        first.close(); // drops the slot on blue; the offset row on green stays
        await().atMost(Duration.ofSeconds(10)).until(() -> !greenProxy.isCut());
        assertThat(pg.green.count("SELECT count(*) FROM cutover_offsets WHERE stream = 'stale-blue-to-green'")).isEqualTo(1);
        assertThat(slots()).isZero();
        pg.blue.exec("INSERT INTO stale VALUES (3, 'while no link ran')");

        ReplicationLink second = pg.builder("stale", "stale").initialCopy(false).build();
        try (second) {
            assertThatThrownBy(() -> second.stream().start())
                    .hasMessageContaining("slot cutover_stale_b2g no longer exists")
                    .hasMessageContaining("DELETE FROM cutover_offsets WHERE stream = 'stale-blue-to-green'")
                    .hasMessageContaining("initialCopy(true)");
            assertThat(slots()).as("no slot made past the lost changes").isZero();
        }

        assertThat(pg.green.count("SELECT count(*) FROM cutover_offsets WHERE stream = 'stale-blue-to-green'"))
                .as("the refused link's close leaves the row, so a retry is refused again").isEqualTo(1);

        // Starting over as the message says: nothing written on blue is missing on green.
        pg.green.exec("DELETE FROM cutover_offsets WHERE stream = 'stale-blue-to-green'", "TRUNCATE stale");
        try (ReplicationLink fresh = pg.builder("stale", "stale").initialCopy(true).build()) {
            fresh.stream().start();
            pg.blue.exec("INSERT INTO stale VALUES (4, 'after the new start')");
            fresh.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.green.count("SELECT count(*) FROM stale")).isEqualTo(4);
            assertThat(pg.green.count("SELECT count(*) FROM stale WHERE id = 3")).isEqualTo(1);
        }
    }

    private static long slots() {
        return pg.blue.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cutover_stale_b2g'");
    }
}
