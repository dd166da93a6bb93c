package io.cutover.postgres;

import io.cutover.testservers.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverResult;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.scenario.AbortScenario;
import io.cutover.scenario.Sides;
import io.cutover.ReplicationLink;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The link under the real Cutover: flip to green, write there, roll back to blue; cleanup; and the
 * shared abort scenario.
 */
class CutoverIT extends AbortScenario {

    private static PgPair pg;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Override
    protected Sides sides() {
        return new PgSides(pg, appPool(pg.blue), appPool(pg.green));
    }

    static DataSource appPool(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {server.port()});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    @Test
    void prepareReverse_createsGreensSlotAtOnce_andClosingBothLeavesNoSlotOrPublication() {
        pg.both("CREATE TABLE rev (id int PRIMARY KEY, v text)");
        ReplicationLink forward = pg.builder("rev", "rev").build();
        forward.stream().start();
        // The initial copy creates the slot (start() returns while it copies); a fence waits for it.
        forward.stream().awaitFence(Duration.ofSeconds(30));
        assertThat(slots(pg.blue)).containsExactly(List.of("cutover_rev_b2g"));
        ReplicationLink reverse = forward.prepareReverse();
        assertThat(reverse.source()).isEqualTo(Side.GREEN);
        assertThat(slots(pg.green)).containsExactly(List.of("cutover_rev_g2b"));
        assertThat(pg.green.rows("SELECT pubname FROM pg_publication")).containsExactly(List.of("cutover_rev_g2b"));
        // Written on green before the reverse stream starts: captured by the slot made above.
        pg.green.exec("INSERT INTO rev VALUES (1, 'green-first')");
        forward.close();
        assertThat(slots(pg.blue)).isEmpty();
        assertThat(pg.blue.rows("SELECT pubname FROM pg_publication")).isEmpty();

        reverse.stream().start();
        reverse.stream().awaitFence(Duration.ofSeconds(30));
        assertThat(pg.blue.rows("SELECT v FROM rev")).containsExactly(List.of("green-first"));
        reverse.close();
        reverse.close();
        assertThat(reverse.stream().state()).isEqualTo(ReplicationStream.State.CLOSED);
        assertThat(slots(pg.green)).isEmpty();
        assertThat(pg.green.rows("SELECT pubname FROM pg_publication")).isEmpty();
        assertThat(pg.green.count("SELECT count(*) FROM cutover_offsets")).isZero();
    }

    @Test
    void cutover_flipsToGreen_guardsBlue_reverseCarriesGreensWrites_andRollbackReturns() throws SQLException {
        pg.both("CREATE TABLE acct (id serial PRIMARY KEY, balance int NOT NULL)");
        pg.blue.exec("INSERT INTO acct (balance) SELECT 100 FROM generate_series(1, 50) g");
        ReplicationLink link = pg.builder("acct", "acct").build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(appPool(pg.blue), appPool(pg.green))) {
            write(switcher, "UPDATE acct SET balance = balance - 10 WHERE id = 1");

            Cutover forward = Cutover.builder().name("acct").switcher(switcher).link(link).build();
            CutoverResult result = forward.execute();

            assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(switcher.current()).isEqualTo(Side.GREEN);
            assertThat(pg.green.rows("SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of("90"));
            assertThat(slots(pg.blue)).isEmpty();
            assertThatThrownBy(() -> pg.blue.exec("UPDATE acct SET balance = 0 WHERE id = 2"))
                    .hasMessageContaining("guarded");

            write(switcher, "UPDATE acct SET balance = balance + 5 WHERE id = 2");
            // The sequence moved past blue's during the pause: a new row on green gets a fresh id.
            write(switcher, "INSERT INTO acct (balance) VALUES (7)");
            assertThat(pg.green.count("SELECT id FROM acct WHERE balance = 7")).isGreaterThan(50);
            ReplicationLink reverse = forward.reverseLink().orElseThrow();
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.blue.rows("SELECT balance FROM acct WHERE id = 2")).containsExactly(List.of("105"));

            Cutover back = Cutover.builder().name("acct-back").switcher(switcher).link(reverse).build();
            assertThat(back.execute().outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            write(switcher, "UPDATE acct SET balance = balance + 1 WHERE id = 3");
            write(switcher, "INSERT INTO acct (balance) VALUES (8)");
            assertThatThrownBy(() -> pg.green.exec("DELETE FROM acct")).hasMessageContaining("guarded");

            ReplicationLink again = back.reverseLink().orElseThrow();
            again.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.green.rows("SELECT * FROM acct ORDER BY id")).isEqualTo(pg.blue.rows("SELECT * FROM acct ORDER BY id"));
            again.close();
            reverse.sourceGuard().release();
        }
        assertThat(slots(pg.blue)).isEmpty();
        assertThat(slots(pg.green)).isEmpty();
    }

    private static void write(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<List<String>> slots(PostgresServer server) {
        return server.rows("SELECT slot_name FROM pg_replication_slots ORDER BY 1");
    }
}
