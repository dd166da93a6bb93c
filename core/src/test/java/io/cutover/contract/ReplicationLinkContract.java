package io.cutover.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.Fence;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What every dialect's {@link ReplicationLink} must do, run against real servers. A dialect's
 * integration test extends this class and supplies a pair of servers and its link factory; each
 * test uses its own table and link name, so one pair serves the whole class.
 *
 * <p>Only portable SQL is used: {@code CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(100),
 * n INT)} and plain DML.
 */
public abstract class ReplicationLinkContract {

    /**
     * Returns an administrative connection source for one side.
     *
     * @param side the side
     * @return a data source that may write anything (it is not the application)
     */
    protected abstract DataSource admin(Side side);

    /**
     * Builds a blue-to-green link over the given tables, not started, with no initial copy
     * needed (the tables start empty on both sides).
     *
     * @param name a name unique within the test class
     * @param tables unqualified table names
     * @return the link
     */
    protected abstract ReplicationLink link(String name, String... tables);

    /**
     * Returns what the dialect created on a side for replication and did not remove yet
     * (slots, publications), for the cleanup check; empty when the dialect creates nothing.
     *
     * @param side the side
     * @param name the link name given to {@link #link}
     * @return leftovers, empty when clean
     */
    protected abstract List<String> leftovers(Side side, String name);

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void stream_carriesInsertsUpdatesAndDeletes() throws SQLException {
        String t = table("c_basic");
        try (ReplicationLink link = link("cbasic", t)) {
            link.stream().start();
            exec(Side.BLUE, "INSERT INTO " + t + " VALUES (1, 'a', 1)", "INSERT INTO " + t + " VALUES (2, 'b', 2)",
                    "INSERT INTO " + t + " VALUES (3, 'c', 3)", "UPDATE " + t + " SET v = 'b2', n = 20 WHERE id = 2",
                    "DELETE FROM " + t + " WHERE id = 3");
            Fence fence = link.stream().awaitFence(WAIT);
            assertThat(fence.waited()).isLessThan(WAIT);
            assertThat(rows(Side.GREEN, t)).isEqualTo(rows(Side.BLUE, t)).hasSize(2);
            assertThat(link.stream().appliedPosition().value()).isNotEqualTo("none");
        }
    }

    @Test
    void stopAndStart_resumesWhereGreenIs() throws SQLException {
        String t = table("c_resume");
        try (ReplicationLink link = link("cresume", t)) {
            link.stream().start();
            exec(Side.BLUE, "INSERT INTO " + t + " VALUES (1, 'a', 1)");
            link.stream().awaitFence(WAIT);
            link.stream().stop();
            assertThat(link.stream().state()).isEqualTo(ReplicationStream.State.STOPPED);
            exec(Side.BLUE, "INSERT INTO " + t + " VALUES (2, 'while stopped', 2)", "UPDATE " + t + " SET n = 10 WHERE id = 1");
            link.stream().start();
            link.stream().awaitFence(WAIT);
            assertThat(rows(Side.GREEN, t)).isEqualTo(rows(Side.BLUE, t)).hasSize(2);
        }
    }

    @Test
    void sourceGuard_refusesDirectWriters_andLiftsOnRelease() throws SQLException {
        String t = table("c_guard");
        try (ReplicationLink link = link("cguard", t); Connection direct = admin(Side.BLUE).getConnection()) {
            link.stream().start();
            link.sourceGuard().engage();
            assertThat(link.sourceGuard().engaged()).isTrue();
            assertThatThrownBy(() -> exec(direct, "INSERT INTO " + t + " VALUES (1, 'refused', 1)"))
                    .isInstanceOf(SQLException.class);
            link.stream().awaitFence(WAIT);
            link.sourceGuard().release();
            assertThat(link.sourceGuard().engaged()).isFalse();
            exec(direct, "INSERT INTO " + t + " VALUES (2, 'accepted', 2)");
            link.stream().awaitFence(WAIT);
            assertThat(rows(Side.GREEN, t)).hasSize(1);
        }
    }

    @Test
    void reverseLink_carriesGreensWritesBack_andClosingLeavesNothingBehind() throws SQLException {
        String t = table("c_reverse");
        ReplicationLink forward = link("creverse", t);
        forward.stream().start();
        exec(Side.BLUE, "INSERT INTO " + t + " VALUES (1, 'blue', 1)");
        forward.stream().awaitFence(WAIT);
        ReplicationLink reverse = forward.prepareReverse();
        assertThat(reverse.source()).isEqualTo(Side.GREEN);
        exec(Side.GREEN, "INSERT INTO " + t + " VALUES (2, 'green, before the reverse stream started', 2)");
        forward.close();
        reverse.stream().start();
        exec(Side.GREEN, "UPDATE " + t + " SET v = 'green' WHERE id = 1");
        reverse.stream().awaitFence(WAIT);
        assertThat(rows(Side.BLUE, t)).isEqualTo(rows(Side.GREEN, t)).hasSize(2);
        reverse.close();
        assertThat(reverse.stream().state()).isEqualTo(ReplicationStream.State.CLOSED);
        assertThat(leftovers(Side.BLUE, "creverse")).isEmpty();
        assertThat(leftovers(Side.GREEN, "creverse")).isEmpty();
    }

    private String table(String name) throws SQLException {
        String ddl = "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, v VARCHAR(100), n INT)";
        exec(Side.BLUE, ddl);
        exec(Side.GREEN, ddl);
        return name;
    }

    private void exec(Side side, String... sql) throws SQLException {
        try (Connection c = admin(side).getConnection()) {
            for (String s : sql) {
                exec(c, s);
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<List<String>> rows(Side side, String table) throws SQLException {
        try (Connection c = admin(side).getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, v, n FROM " + table + " ORDER BY id")) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }
}
