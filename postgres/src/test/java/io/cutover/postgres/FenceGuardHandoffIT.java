package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.CatchUpTimeoutException;
import io.cutover.CutoverException;
import io.cutover.Fence;
import io.cutover.Phase;
import io.cutover.ReplicationLink;
import io.cutover.spi.WriteGuard;
import io.cutover.spi.KeyHandoff;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fence proves catch-up, the guard stops writers the switcher never sees, sequences move past blue's. */
class FenceGuardHandoffIT {

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
    void awaitFence_returnsOnlyOnceGreenCommittedEverythingBefore_andTimesOutWhenApplyIsStuck() throws SQLException {
        pg.both("CREATE TABLE fenced (id int PRIMARY KEY, v text)");
        try (ReplicationLink link = pg.builder("fence", "fenced").initialCopy(false).build()) {
            link.stream().start();
            pg.blue.exec("INSERT INTO fenced SELECT g, 'v' || g FROM generate_series(1, 500) g");
            Fence first = link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.green.count("SELECT count(*) FROM fenced")).isEqualTo(500);

            try (Connection locker = pg.green.connect()) {
                locker.setAutoCommit(false);
                try (Statement st = locker.createStatement()) {
                    st.execute("LOCK TABLE fenced IN ACCESS EXCLUSIVE MODE");
                }
                pg.blue.exec("INSERT INTO fenced VALUES (501, 'stuck')");
                assertThatThrownBy(() -> link.stream().awaitFence(Duration.ofMillis(400)))
                        .isInstanceOf(CatchUpTimeoutException.class)
                        .hasMessageContaining("not applied on the target after")
                        .satisfies(e -> assertThat(((CutoverException) e).phase()).isEqualTo(Phase.CATCH_UP));
                locker.rollback();
            }
            Fence second = link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(second.id()).isGreaterThan(first.id());
            assertThat(pg.green.rows("SELECT v FROM fenced WHERE id = 501")).containsExactly(List.of("stuck"));
        }
    }

    @Test
    void guard_refusesWritersAlreadyConnected_letsFencesThrough_andLiftsOnRelease() throws SQLException {
        pg.both("CREATE TABLE guarded (id int PRIMARY KEY, v text)");
        try (ReplicationLink link = pg.builder("guard", "guarded").initialCopy(false).build();
                Connection direct = pg.blue.connect()) {
            link.stream().start();
            WriteGuard guard = link.sourceGuard();
            exec(direct, "INSERT INTO guarded VALUES (1, 'before')");
            guard.engage();
            guard.engage();
            assertThat(guard.engaged()).isTrue();
            for (String write : List.of("INSERT INTO guarded VALUES (2, 'during')", "UPDATE guarded SET v = 'x'",
                    "DELETE FROM guarded", "TRUNCATE guarded")) {
                assertThatThrownBy(() -> exec(direct, write))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("guarded")
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
            }
            // The fence table is not guarded: catch-up works under the guard.
            link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.green.rows("SELECT id, v FROM guarded")).containsExactly(List.of("1", "before"));

            guard.release();
            guard.release();
            assertThat(guard.engaged()).isFalse();
            exec(direct, "INSERT INTO guarded VALUES (3, 'after')");
            assertThat(pg.blue.count("SELECT count(*) FROM guarded")).isEqualTo(2);
        }
    }

    @Test
    void guardRelease_whileATransactionHoldsAGuardedTable_liftsAtOnce_andTheTriggersGoOnceItIsFree() throws Exception {
        pg.both("CREATE TABLE dl_a (id int PRIMARY KEY)");
        pg.both("CREATE TABLE dl_b (id int PRIMARY KEY)");
        try (ReplicationLink link = pg.builder("deadlk", "dl_a", "dl_b").initialCopy(false).build();
                Connection holder = pg.blue.connect();
                Connection direct = pg.blue.connect()) {
            WriteGuard guard = link.sourceGuard();
            guard.engage();
            // A transaction holding dl_b, as a stream applying on this side (or an autovacuum) would.
            holder.setAutoCommit(false);
            exec(holder, "LOCK TABLE dl_b IN ROW EXCLUSIVE MODE");
            CompletableFuture<Void> release = CompletableFuture.runAsync(guard::release);
            release.get(30, TimeUnit.SECONDS); // returns although dl_b's trigger cannot be dropped now
            assertThat(guard.engaged()).isFalse();
            exec(direct, "INSERT INTO dl_a VALUES (1)");
            exec(direct, "INSERT INTO dl_b VALUES (1)");
            assertThat(guardTriggers()).isPositive(); // the pass-through triggers stay while dl_b is held
            holder.commit();
            guard.release();
            assertThat(guardTriggers()).isZero();
            guard.engage(); // engaging again after a release that left triggers works as ever
            assertThat(guard.engaged()).isTrue();
            assertThatThrownBy(() -> exec(direct, "INSERT INTO dl_a VALUES (2)")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("guarded");
            guard.release();
            assertThat(pg.blue.count("SELECT count(*) FROM dl_a")).isEqualTo(1);
        }
    }

    private static long guardTriggers() {
        return pg.blue.count("SELECT count(*) FROM pg_trigger WHERE tgname = 'cutover_guard_deadlk'");
    }

    @Test
    void guard_underAnOpenWrite_failsWithinItsLockTimeout_andLeavesNothingEngaged() throws SQLException {
        pg.both("CREATE TABLE busy (id int PRIMARY KEY)");
        ReplicationLink link = pg.builder("busy", "busy").guardLockTimeout(Duration.ofMillis(300)).build();
        try (Connection writer = pg.blue.connect()) {
            writer.setAutoCommit(false);
            exec(writer, "INSERT INTO busy VALUES (1)");
            assertThatThrownBy(() -> link.sourceGuard().engage())
                    .isInstanceOf(CutoverException.class)
                    .hasMessageContaining("nothing was changed")
                    .satisfies(e -> assertThat(((CutoverException) e).phase()).isEqualTo(Phase.GUARD));
            writer.commit();
        }
        assertThat(link.sourceGuard().engaged()).isFalse();
        pg.blue.exec("INSERT INTO busy VALUES (2)");
        link.close();
    }

    @Test
    void keyHandoff_movesSerialAndIdentitySequencesPastBlue_soInsertsOnGreenSucceed() {
        pg.both("CREATE TABLE serials (id serial PRIMARY KEY, v text)",
                "CREATE TABLE idents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)");
        try (ReplicationLink link = pg.builder("seq", "serials", "idents").initialCopy(false).sequenceHeadroom(100).build()) {
            link.stream().start();
            pg.blue.exec("INSERT INTO serials (v) SELECT 'b' FROM generate_series(1, 40)",
                    "INSERT INTO idents (v) SELECT 'b' FROM generate_series(1, 30)");
            link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.green.count("SELECT count(*) FROM idents")).isEqualTo(30);

            List<String> report = link.keyHandoff().handOff();

            assertThat(report).hasSize(2).anySatisfy(l -> assertThat(l).contains("serials_id_seq").contains("-> 140"))
                    .anySatisfy(l -> assertThat(l).contains("idents_id_seq").contains("-> 130"));
            pg.green.exec("INSERT INTO serials (v) VALUES ('g')", "INSERT INTO idents (v) VALUES ('g')");
            assertThat(pg.green.rows("SELECT id FROM serials WHERE v = 'g'")).containsExactly(List.of("141"));
            assertThat(pg.green.rows("SELECT id FROM idents WHERE v = 'g'")).containsExactly(List.of("131"));
            // Never backwards: a second hand-off leaves green where it is.
            link.keyHandoff().handOff();
            pg.green.exec("INSERT INTO serials (v) VALUES ('g2')");
            assertThat(pg.green.rows("SELECT id FROM serials WHERE v = 'g2'")).containsExactly(List.of("142"));
        }
    }

    @Test
    void keyHandoff_preparedBeforeThePause_onlyReadsInside_andNeverReusesAnIdBlueHandedOut() {
        pg.both("CREATE TABLE parcels (id bigserial PRIMARY KEY, v text)");
        try (ReplicationLink link = pg.builder("parcels", "parcels").initialCopy(false).sequenceHeadroom(50).build()) {
            link.stream().start();
            pg.blue.exec("INSERT INTO parcels (v) SELECT 'b' FROM generate_series(1, 10)");
            link.stream().awaitFence(Duration.ofSeconds(30));
            KeyHandoff handoff = link.keyHandoff();

            assertThat(handoff.prepare()).singleElement().asString().contains("parcels_id_seq: 0 -> 60 (blue at 10) before the pause");
            // Writes still flow: blue hands out ids whose rows are gone before they reach green.
            pg.blue.exec("INSERT INTO parcels (v) VALUES ('gone')", "DELETE FROM parcels WHERE v = 'gone'");
            assertThat(handoff.handOff()).singleElement().asString().contains("parcels_id_seq: 60 (already past blue at 11)");
            // Past the headroom, the hand-off inside the pause moves green again.
            pg.blue.exec("INSERT INTO parcels (v) SELECT 'gone' FROM generate_series(1, 60)", "DELETE FROM parcels WHERE v = 'gone'");
            assertThat(handoff.handOff()).singleElement().asString().contains("parcels_id_seq: 60 -> 121 (blue at 71)");

            pg.green.exec("INSERT INTO parcels (v) VALUES ('g')");
            assertThat(pg.green.rows("SELECT id FROM parcels WHERE v = 'g'")).containsExactly(List.of("122"));
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
