package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.FinishIncompleteException;
import io.cutover.FinishReport;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.faults.FaultyDataSource;
import io.cutover.scenario.FinishScenario;
import io.cutover.scenario.Sides;
import io.cutover.testservers.PostgresServer;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code finish()} on PostgreSQL: the shared scenario, read against pg_replication_slots,
 * pg_publication, pg_trigger, pg_proc, information_schema.tables and the roles' privileges; and a
 * finish while green refuses connections, which removes what it can on blue and names the rest with
 * the SQL to run by hand.
 */
class PgFinishIT extends FinishScenario {

    private static PgPair pg;
    private static PgSides sides;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        sides = new PgSides(pg, app(pg.blue), app(pg.green));
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Override
    protected Sides sides() {
        return sides;
    }

    private static DataSource app(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {server.port()});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    @Override
    protected List<String> objectsNamedByUs(Side side) {
        PostgresServer s = side == Side.BLUE ? pg.blue : pg.green;
        List<String> out = new ArrayList<>();
        for (String query : List.of(
                "SELECT 'slot ' || slot_name FROM pg_replication_slots",
                "SELECT 'publication ' || pubname FROM pg_publication",
                "SELECT 'guard trigger ' || tgname || ' on ' || tgrelid::regclass FROM pg_trigger WHERE tgname LIKE 'cutover%'",
                "SELECT 'guard function ' || proname FROM pg_proc WHERE proname LIKE 'cutover%'",
                "SELECT 'table ' || table_schema || '.' || table_name FROM information_schema.tables WHERE table_name LIKE 'cutover%'",
                "SELECT 'role ' || rolname FROM pg_roles WHERE rolname LIKE 'cutover%'")) {
            s.rows(query).forEach(r -> out.add(r.get(0)));
        }
        return out;
    }

    @Override
    protected List<String> privileges(Side side) {
        PostgresServer s = side == Side.BLUE ? pg.blue : pg.green;
        List<String> out = new ArrayList<>();
        for (String query : List.of(
                "SELECT rolname || ' super=' || rolsuper || ' replication=' || rolreplication || ' login=' || rolcanlogin"
                        + " FROM pg_roles ORDER BY 1",
                "SELECT datname || ' ' || coalesce(datacl::text, '') FROM pg_database ORDER BY 1",
                "SELECT nspname || ' ' || coalesce(nspacl::text, '') FROM pg_namespace ORDER BY 1",
                "SELECT grantee || ' ' || table_schema || '.' || table_name || ' ' || privilege_type"
                        + " FROM information_schema.role_table_grants WHERE table_name NOT LIKE 'cutover%' ORDER BY 1")) {
            s.rows(query).forEach(r -> out.add(r.get(0)));
        }
        return out;
    }

    @Test
    void finish_whileGreenRefusesConnections_removesBluesObjects_andNamesGreensWithTheSqlToRunByHand() {
        pg.both("CREATE TABLE fin_down (id int PRIMARY KEY, v text)");
        FaultyDataSource green = FaultyDataSource.wrap(PgDataSources.of(pg.green), new FaultyDataSource.CommitHook() { });
        ReplicationLink link = pg.builder("fin_down", "fin_down").dataSource(Side.GREEN, green).build();
        link.stream().start();
        pg.blue.exec("INSERT INTO fin_down VALUES (1, 'streamed')");
        link.stream().awaitFence(Duration.ofSeconds(30));
        assertThat(pg.green.rows("SELECT v FROM fin_down")).containsExactly(List.of("streamed"));

        green.refuseConnections(true);
        assertThatThrownBy(link::finish).isInstanceOf(FinishIncompleteException.class)
                .hasMessageContaining("green: table cutover_offsets")
                .hasMessageContaining("DELETE FROM cutover_offsets WHERE stream IN ('fin_down-blue-to-green', 'fin_down-green-to-blue'")
                .hasMessageContaining("DROP TABLE cutover_offsets")
                .hasMessageContaining("SELECT pg_drop_replication_slot('cutover_fin_down_g2b')")
                .hasMessageNotContaining(PostgresServer.PASSWORD)
                .satisfies(e -> {
                    FinishReport partial = ((FinishIncompleteException) e).report();
                    assertThat(partial.removedFrom(Side.BLUE)).contains("publication cutover_fin_down_b2g", "table public.cutover_fence");
                    assertThat(partial.removedFrom(Side.GREEN)).isEmpty();
                    assertThat(((FinishIncompleteException) e).remaining()).allSatisfy(line -> assertThat(line).startsWith("green: "));
                });
        assertThat(objectsNamedByUs(Side.BLUE)).as("left on blue").isEmpty();
        assertThat(objectsNamedByUs(Side.GREEN)).contains("table public.cutover_offsets");

        // Once green answers again, a second finish removes the rest.
        green.refuseConnections(false);
        FinishReport rest = link.finish();
        assertThat(rest.removedFrom(Side.GREEN)).contains("table cutover_offsets");
        assertThat(rest.removedFrom(Side.BLUE)).isEmpty();
        assertThat(objectsNamedByUs(Side.GREEN)).as("left on green").isEmpty();
    }
}
