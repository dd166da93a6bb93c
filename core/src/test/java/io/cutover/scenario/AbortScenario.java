package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.Phase;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The abort paths before the flip, written once for every dialect: a writer holding its connection
 * past the drain budget, and a fence that does not reach green within the catch-up budget because
 * the applier is stuck. Either way writes resume on blue, the guard is lifted, the forward stream
 * keeps going, nothing is left on green and nothing written on blue is lost; a rehearsal and a real
 * cutover then go through. A dialect's IT extends this class and supplies its servers.
 */
public abstract class AbortScenario {

    /** Returns the dialect's two servers; the test uses a table {@code ab} of its own. */
    protected abstract Sides sides();

    @Test
    void abort_onDrainTimeout_orFenceTooLate_resumesOnBlue_liftsTheGuard_andLosesNothing() throws Exception {
        for (Side side : Side.values()) {
            sides().exec(side, "CREATE TABLE ab (id INT PRIMARY KEY, v VARCHAR(100))");
        }
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch released = new CountDownLatch(1);
        ReplicationLink link = sides().link("ab", "ab").initialCopy(false).beforeCommit(() -> {
            if (hold.get()) {
                try {
                    released.await(30, TimeUnit.SECONDS); // the applier is stuck (a slow green)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).build();
        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(sides().app(Side.BLUE), sides().app(Side.GREEN))) {
            write(switcher, "INSERT INTO ab VALUES (1, 'before')");

            // A writer holds its connection past the drain budget.
            try (Connection held = switcher.getConnection()) {
                Cutover drain = Cutover.builder().name("ab-drain").switcher(switcher).link(link)
                        .drainBudget(Duration.ofMillis(200)).build();
                assertThatThrownBy(drain::execute).isInstanceOf(CutoverAbortedException.class)
                        .hasMessageContaining("PAUSE")
                        .satisfies(e -> assertThat(((CutoverAbortedException) e).phase()).isEqualTo(Phase.PAUSE));
                try (Statement st = held.createStatement()) {
                    st.execute("INSERT INTO ab VALUES (2, 'held through the abort')");
                }
            }
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            assertThat(link.sourceGuard().engaged()).isFalse();

            // Green's apply is stuck: the fence cannot arrive within the catch-up budget. The row
            // is written after the hold is set, so the fence always queues behind a blocked change.
            hold.set(true);
            write(switcher, "INSERT INTO ab VALUES (3, 'after drain abort')");
            Cutover late = Cutover.builder().name("ab-late").switcher(switcher).link(link)
                    .catchUpBudget(Duration.ofMillis(500)).totalBudget(Duration.ofSeconds(5))
                    .fenceBeforePause(false).build(); // the abort under test is the one inside the pause
            assertThatThrownBy(late::execute).isInstanceOf(CutoverAbortedException.class)
                    .hasMessageContaining("CATCH_UP")
                    .satisfies(e -> assertThat(((CutoverAbortedException) e).phase()).isEqualTo(Phase.CATCH_UP));
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            assertThat(link.sourceGuard().engaged()).isFalse();
            write(switcher, "INSERT INTO ab VALUES (4, 'after late-fence abort')");
            hold.set(false);
            released.countDown();

            assertThat(sides().leftovers(Side.GREEN)).as("left on green by the aborts").isEmpty();
            assertThat(link.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);
            link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(rows(Side.GREEN)).isEqualTo(rows(Side.BLUE)).hasSize(4);

            // A rehearsal runs every step but the flip and leaves everything as it was.
            CutoverResult rehearsal = Cutover.builder().name("ab-rehearse").switcher(switcher).link(link).build().rehearse();
            assertThat(rehearsal.outcome()).isEqualTo(CutoverResult.Outcome.REHEARSED);
            assertThat(rehearsal.writePause()).isLessThan(Duration.ofSeconds(2));
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            assertThat(link.sourceGuard().engaged()).isFalse();
            assertThat(sides().leftovers(Side.GREEN)).as("left on green by the rehearsal").isEmpty();
            write(switcher, "INSERT INTO ab VALUES (5, 'after rehearsal')");

            // Nothing is left in the way of a cutover that then succeeds.
            Cutover ok = Cutover.builder().name("ab-ok").switcher(switcher).link(link).build();
            assertThat(ok.execute().outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            ReplicationLink reverse = ok.reverseLink().orElseThrow();
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(rows(Side.GREEN)).isEqualTo(rows(Side.BLUE)).hasSize(5);
            reverse.close();
            link.sourceGuard().release();
        }
        assertThat(sides().leftovers(Side.BLUE)).isEmpty();
        assertThat(sides().leftovers(Side.GREEN)).isEmpty();
    }

    private static void write(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<List<String>> rows(Side side) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = sides().app(side).getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, v FROM ab ORDER BY id")) {
            while (rs.next()) {
                out.add(List.of(rs.getString(1), rs.getString(2)));
            }
        }
        return out;
    }
}
