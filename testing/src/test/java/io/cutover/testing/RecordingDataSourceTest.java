package io.cutover.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordingDataSourceTest {
    private final RecordingDataSource ds = RecordingDataSource.named("blue");

    @Test
    void records_statementsInOrderWithTheirThread() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                PreparedStatement ps = c.prepareStatement("update t set a = ?")) {
            assertThat(s.executeUpdate("insert into t values (1)")).isEqualTo(1);
            ps.setInt(1, 5);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("select * from t")) {
                assertThat(rs.next()).isFalse();
            }
            c.commit();
        }
        assertThat(ds.statements()).extracting(RecordingDataSource.Executed::sql)
                .containsExactly("insert into t values (1)", "update t set a = ?", "select * from t", "commit");
        assertThat(ds.statements()).allMatch(e -> e.dataSource().equals("blue")
                && e.thread().equals(Thread.currentThread().getName()));
        assertThat(ds.statements().get(0).sequence()).isLessThan(ds.statements().get(1).sequence());
    }

    @Test
    void counts_openConnections() throws SQLException {
        Connection a = ds.getConnection();
        Connection b = ds.getConnection();
        assertThat(ds.openConnections()).isEqualTo(2);
        a.close();
        a.close();
        assertThat(ds.openConnections()).isEqualTo(1);
        b.close();
        assertThat(ds.connectionsOpened()).isEqualTo(2);
        assertThatThrownBy(a::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void failNextConnection_failsOnce() throws SQLException {
        ds.failNextConnection(new SQLException("refused", "08001"));
        assertThatThrownBy(ds::getConnection).hasMessage("refused");
        ds.getConnection().close();
        assertThat(ds.openConnections()).isZero();
    }

    @Test
    void mark_isOrderedAgainstStatements() throws SQLException {
        long before = RecordingDataSource.mark();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("x");
        }
        assertThat(ds.statements().get(0).sequence()).isGreaterThan(before);
        assertThat(RecordingDataSource.mark()).isGreaterThan(ds.statements().get(0).sequence());
    }

    @Test
    void manualClock_movesOnlyForward() {
        ManualClock clock = new ManualClock();
        Instant t0 = clock.instant();
        clock.advance(Duration.ofMillis(250));
        assertThat(clock.instant()).isEqualTo(t0.plusMillis(250));
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
