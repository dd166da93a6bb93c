package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverResult;
import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Ending a migration with {@link ReplicationLink#finish}, written once for every dialect: after a
 * cutover on the reverse link (the old side made writable when asked, left guarded by default),
 * on a forward link before any cutover (the migration abandoned), and twice. After each finish the
 * dialect's catalogs must hold nothing the library created, on either server, but the old side's
 * guard when it was kept; the privileges are as before; blue takes writes exactly when it should.
 * A dialect's IT extends this class, supplies its servers and reads its catalogs.
 */
public abstract class FinishScenario {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Returns the dialect's two servers; each test uses tables and cutover names of its own. */
    protected abstract Sides sides();

    /**
     * Reads from a side's catalogs every object the library creates (slots, publications, triggers,
     * functions, control tables, read_only, local state files), one line each, whatever cutover
     * created it. Lines for the write guard start with {@code "guard"}.
     *
     * @param side the side
     * @return what is there; empty when clean
     */
    protected abstract List<String> objectsNamedByUs(Side side);

    /**
     * Reads the privileges of the accounts the tests use on a side, to prove finish changed none.
     *
     * @param side the side
     * @return one line per privilege, in a stable order
     */
    protected abstract List<String> privileges(Side side);

    @Test
    void finish_onReverseLinkAfterCutover_removesEverythingOnBothServers_andMakesBlueWritableWhenAsked() throws Exception {
        Migrated m = migrate("fin_all");
        // The forward link is retired; its stream's slot and rows are the reverse link's to remove.
        assertThatThrownBy(m.forward::finish).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reverseLink()");
        assertThat(m.reverse.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);
        write(m.switcher, "INSERT INTO fin_all VALUES (4, 'after the refusal')");
        m.reverse.stream().awaitFence(WAIT);
        assertThat(rows(Side.BLUE, "fin_all")).isEqualTo(rows(Side.GREEN, "fin_all")).hasSize(4);

        FinishReport report = m.reverse.finish(FinishOptions.builder().makeOldSideWritable(true).build());

        assertThat(report.removedFrom(Side.GREEN)).as("removed from green").isNotEmpty();
        assertThat(report.removedFrom(Side.BLUE)).as("removed from blue").isNotEmpty();
        assertThat(report.leftInPlace()).isEmpty();
        assertThat(objectsNamedByUs(Side.BLUE)).as("left on blue").isEmpty();
        assertThat(objectsNamedByUs(Side.GREEN)).as("left on green").isEmpty();
        assertThat(privileges(Side.BLUE)).isEqualTo(m.privileges.get(Side.BLUE));
        assertThat(privileges(Side.GREEN)).isEqualTo(m.privileges.get(Side.GREEN));
        write(sides().app(Side.BLUE), "INSERT INTO fin_all VALUES (100, 'blue writable again')");
        write(sides().app(Side.GREEN), "INSERT INTO fin_all VALUES (5, 'green goes on')");
        assertThat(m.reverse.finish().isEmpty()).as("a second finish finds nothing").isTrue();
        m.switcher.close();
    }

    @Test
    void finish_byDefault_keepsBlueGuarded_removesTheRest_andIsIdempotent() throws Exception {
        Migrated m = migrate("fin_keep");

        FinishReport report = m.reverse.finish();

        assertThat(report.isEmpty()).isFalse();
        assertThat(report.leftInPlace()).as("the guard, kept").isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("blue: "));
        assertThat(objectsNamedByUs(Side.GREEN)).as("left on green").isEmpty();
        assertThat(objectsNamedByUs(Side.BLUE)).as("left on blue: the guard only").isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("guard"));
        assertThatThrownBy(() -> write(sides().app(Side.BLUE), "INSERT INTO fin_keep VALUES (100, 'refused')"))
                .isInstanceOf(SQLException.class);
        write(sides().app(Side.GREEN), "INSERT INTO fin_keep VALUES (5, 'green goes on')");

        FinishReport again = m.reverse.finish();
        assertThat(again.isEmpty()).as("a second finish removes nothing").isTrue();
        assertThat(again.leftInPlace()).isEqualTo(report.leftInPlace());

        // Asked later, finish lifts the guard it kept, and nothing else is left to remove.
        FinishReport lifted = m.reverse.finish(FinishOptions.builder().makeOldSideWritable(true).build());
        assertThat(lifted.removedFrom(Side.BLUE)).hasSize(1)
                .allSatisfy(line -> assertThat(line).containsAnyOf("guard", "read_only"));
        assertThat(lifted.removedFrom(Side.GREEN)).isEmpty();
        assertThat(objectsNamedByUs(Side.BLUE)).isEmpty();
        assertThat(privileges(Side.BLUE)).isEqualTo(m.privileges.get(Side.BLUE));
        assertThat(privileges(Side.GREEN)).isEqualTo(m.privileges.get(Side.GREEN));
        write(sides().app(Side.BLUE), "INSERT INTO fin_keep VALUES (100, 'blue writable again')");
        m.switcher.close();
    }

    @Test
    void finish_onForwardLinkBeforeAnyCutover_abandonsTheMigration_andBlueStaysWritable() throws Exception {
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE fin_abandon (id INT PRIMARY KEY, v VARCHAR(100))");
        }
        Map<Side, List<String>> before = Map.of(Side.BLUE, privileges(Side.BLUE), Side.GREEN, privileges(Side.GREEN));
        write(sides().app(Side.BLUE), "INSERT INTO fin_abandon VALUES (1, 'copied')");
        ReplicationLink link = sides().link("fin_abandon", "fin_abandon").build();
        link.stream().start();
        write(sides().app(Side.BLUE), "INSERT INTO fin_abandon VALUES (2, 'streamed')");
        link.stream().awaitFence(WAIT);
        assertThat(rows(Side.GREEN, "fin_abandon")).hasSize(2);
        assertThat(objectsNamedByUs(Side.GREEN)).as("the stream's objects, seen by the catalog query").isNotEmpty();
        // What an earlier version's copy left on green: its ledger under the old name.
        sides().exec(Side.GREEN, "CREATE TABLE cutover_copy_tables (stream VARCHAR(190) NOT NULL,"
                + " target_table VARCHAR(190) NOT NULL, PRIMARY KEY (stream, target_table))",
                "INSERT INTO cutover_copy_tables VALUES ('" + link.stream().name() + "', 'fin_abandon')");

        FinishReport report = link.finish();

        assertThat(report.removedFrom(Side.GREEN)).contains("table cutover_copy_tables");
        assertThat(report.leftInPlace()).isEmpty();
        assertThat(link.stream().state()).isEqualTo(ReplicationStream.State.CLOSED);
        assertThat(objectsNamedByUs(Side.BLUE)).as("left on blue").isEmpty();
        assertThat(objectsNamedByUs(Side.GREEN)).as("left on green").isEmpty();
        assertThat(privileges(Side.BLUE)).isEqualTo(before.get(Side.BLUE));
        assertThat(privileges(Side.GREEN)).isEqualTo(before.get(Side.GREEN));
        write(sides().app(Side.BLUE), "INSERT INTO fin_abandon VALUES (3, 'blue stays writable')");
        assertThat(link.finish().isEmpty()).as("a second finish finds nothing").isTrue();
    }

    @Test
    void finish_keepsTheControlTablesAnotherMigrationUses_andThatMigrationStreamsOn() throws Exception {
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE fin_one (id INT PRIMARY KEY, v VARCHAR(100))",
                    "CREATE TABLE fin_two (id INT PRIMARY KEY, v VARCHAR(100))");
        }
        ReplicationLink one = sides().link("fin_one", "fin_one").build();
        ReplicationLink two = sides().link("fin_two", "fin_two").build();
        one.stream().start();
        two.stream().start();
        one.stream().awaitFence(WAIT);
        two.stream().awaitFence(WAIT);

        FinishReport report = one.finish();

        assertThat(report.leftInPlace()).as("tables kept for the other migration").isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("fin_two"));
        assertThat(objectsNamedByUs(Side.GREEN)).as("the other migration's objects").isNotEmpty();
        write(sides().app(Side.BLUE), "INSERT INTO fin_two VALUES (1, 'after the other finished')");
        two.stream().awaitFence(WAIT);
        assertThat(rows(Side.GREEN, "fin_two")).containsExactly(List.of("1", "after the other finished"));

        FinishReport last = two.finish();
        assertThat(last.isEmpty()).isFalse();
        assertThat(last.leftInPlace()).isEmpty();
        assertThat(objectsNamedByUs(Side.BLUE)).as("left on blue").isEmpty();
        assertThat(objectsNamedByUs(Side.GREEN)).as("left on green").isEmpty();
    }

    /** A cutover over {@code table} with writes on both sides of the flip, the reverse stream caught up. */
    private Migrated migrate(String table) throws Exception {
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(100))");
        }
        Map<Side, List<String>> privileges = Map.of(Side.BLUE, privileges(Side.BLUE), Side.GREEN, privileges(Side.GREEN));
        ReplicationLink forward = sides().link(table, table).build();
        ConnectionSwitcher switcher = ConnectionSwitcher.between(sides().app(Side.BLUE), sides().app(Side.GREEN));
        write(switcher, "INSERT INTO " + table + " VALUES (1, 'on blue')");
        forward.stream().start();
        write(switcher, "INSERT INTO " + table + " VALUES (2, 'streamed')");
        forward.stream().awaitFence(WAIT);
        Cutover cutover = Cutover.builder().name(table).switcher(switcher).link(forward).build();
        assertThat(cutover.execute().outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
        ReplicationLink reverse = cutover.reverseLink().orElseThrow();
        write(switcher, "INSERT INTO " + table + " VALUES (3, 'on green')");
        reverse.stream().awaitFence(WAIT);
        assertThat(rows(Side.BLUE, table)).isEqualTo(rows(Side.GREEN, table)).hasSize(3);
        assertThat(objectsNamedByUs(Side.GREEN)).as("the reverse stream's objects, seen by the catalog query").isNotEmpty();
        assertThat(objectsNamedByUs(Side.BLUE)).as("the guard and control tables, seen by the catalog query").isNotEmpty();
        return new Migrated(forward, reverse, switcher, privileges);
    }

    private record Migrated(ReplicationLink forward, ReplicationLink reverse, ConnectionSwitcher switcher,
            Map<Side, List<String>> privileges) {
    }

    private static void write(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<List<String>> rows(Side side, String table) throws SQLException {
        List<List<String>> out = new java.util.ArrayList<>();
        try (Connection c = sides().app(side).getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, v FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                out.add(List.of(rs.getString(1), rs.getString(2)));
            }
        }
        return out;
    }
}
