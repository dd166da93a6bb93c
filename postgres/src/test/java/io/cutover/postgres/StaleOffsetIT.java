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

    @Test
    void aSlotMadeAgainUnderTheSameName_pastTheStoredOffset_isRefused() throws Exception {
        pg.both("CREATE TABLE remade (id int PRIMARY KEY, v text)");
        try (ReplicationLink link = pg.builder("remade", "remade").initialCopy(false).build()) {
            link.stream().start();
            pg.blue.exec("INSERT INTO remade VALUES (1, 'streamed')");
            link.stream().awaitFence(Duration.ofSeconds(30));
            link.stream().stop(); // keeps the slot and the offset
            await().atMost(Duration.ofSeconds(10)).until(() -> pg.blue.count("SELECT count(*) FROM pg_replication_slots"
                    + " WHERE slot_name = 'cutover_remade_b2g' AND NOT active") == 1);
            pg.blue.exec("SELECT pg_drop_replication_slot('cutover_remade_b2g')",
                    "INSERT INTO remade VALUES (2, 'in no slot')",
                    "SELECT pg_create_logical_replication_slot('cutover_remade_b2g', 'pgoutput')");

            assertThatThrownBy(() -> link.stream().start())
                    .hasMessageContaining("slot cutover_remade_b2g")
                    .hasMessageContaining("dropped and made again")
                    .hasMessageContaining("DELETE FROM cutover_offsets WHERE stream = 'remade-blue-to-green'");
            assertThat(pg.green.count("SELECT count(*) FROM remade")).as("nothing streamed past the gap").isEqualTo(1);
        }
    }

    @Test
    void aStoppedStream_startedAgainOnItsOwnSlot_isNotRefused_andCatchesUp() throws Exception {
        pg.both("CREATE TABLE kept (id int PRIMARY KEY, v text)");
        try (ReplicationLink link = pg.builder("kept", "kept").initialCopy(false).build()) {
            link.stream().start();
            pg.blue.exec("INSERT INTO kept VALUES (1, 'streamed')");
            link.stream().awaitFence(Duration.ofSeconds(30));
            // Idle WAL past the stream's last change: heartbeats move the stored offset and the slot's confirmed position.
            pg.blue.exec("CREATE TABLE kept_mark AS SELECT pg_current_wal_lsn() AS at");
            await().atMost(Duration.ofSeconds(20)).until(() -> pg.blue.count("SELECT count(*) FROM pg_replication_slots"
                    + " WHERE slot_name = 'cutover_kept_b2g' AND confirmed_flush_lsn >= (SELECT at FROM kept_mark)") == 1);
            link.stream().stop();
            pg.blue.exec("INSERT INTO kept VALUES (2, 'while stopped')");
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.green.count("SELECT count(*) FROM kept")).isEqualTo(2);
        }
    }

    private static long slots() {
        return pg.blue.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cutover_stale_b2g'");
    }
}
