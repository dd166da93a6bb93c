package io.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Side;
import io.cutover.WritePauser;
import io.cutover.testing.RecordingDataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class LeasingConnectionSwitcherTest {
    private final RecordingDataSource blue = RecordingDataSource.named("blue");
    private final RecordingDataSource green = RecordingDataSource.named("green");
    private final WritePauser pauser = WritePauser.builder().maxWaitWhilePaused(Duration.ofMillis(50)).build();
    private final ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green).pauser(pauser).build();

    private void flipTo(Side side) {
        pauser.pause(Duration.ofSeconds(1));
        switcher.flipTo(side);
        pauser.resume();
    }

    @Test
    void getConnection_goesToCurrentSideAndHoldsLeaseUntilClosed() throws SQLException {
        try (Connection c = switcher.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("insert into t values (1)");
            assertThat(pauser.inFlight()).isEqualTo(1);
        }
        assertThat(pauser.inFlight()).isZero();
        assertThat(blue.statements()).extracting(RecordingDataSource.Executed::sql).containsExactly("insert into t values (1)");
        assertThat(green.statements()).isEmpty();
        assertThat(blue.openConnections()).isZero();
    }

    @Test
    void afterFlip_newConnectionsGoToTheOtherSide() throws SQLException {
        flipTo(Side.GREEN);
        assertThat(switcher.current()).isEqualTo(Side.GREEN);
        assertThat(switcher.generation()).isEqualTo(1);
        try (Connection c = switcher.getConnection(); PreparedStatement ps = c.prepareStatement("update t set x = ?")) {
            ps.setInt(1, 2);
            ps.executeUpdate();
        }
        assertThat(green.statements()).extracting(RecordingDataSource.Executed::sql).containsExactly("update t set x = ?");
        assertThat(blue.statements()).isEmpty();
    }

    @Test
    void close_isIdempotentAndReturnsLeaseOnce() throws SQLException {
        Connection c = switcher.getConnection();
        c.close();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(pauser.inFlight()).isZero();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void close_returnsLeaseEvenWhenTheDelegateFailsToClose() {
        DataSource failingClose = dataSourceWhoseConnectionsFailToClose();
        ConnectionSwitcher s = ConnectionSwitcher.builder().blue(failingClose).green(green).pauser(pauser).build();
        assertThatThrownBy(() -> s.getConnection().close()).isInstanceOf(SQLException.class).hasMessageContaining("boom");
        assertThat(pauser.inFlight()).isZero();
    }

    @Test
    void getConnection_whenTheSideIsUnreachable_returnsTheLease() {
        blue.failNextConnection(new SQLException("connection refused", "08001"));
        assertThatThrownBy(switcher::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("refused");
        assertThat(pauser.inFlight()).isZero();
    }

    @Test
    void getConnection_whilePausedPastTheWritersBound_isATransientSqlError() {
        pauser.pause(Duration.ofMillis(100));
        try {
            assertThatThrownBy(switcher::getConnection)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("paused for longer than 50 ms");
        } finally {
            pauser.resume();
        }
    }

    @Test
    void staleConnection_refusesEverythingAfterAFlip() throws SQLException {
        Connection reader = switcher.readOnly().getConnection();
        Statement made = reader.createStatement();
        flipTo(Side.GREEN);
        assertThatThrownBy(reader::createStatement)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("taken from blue before the switcher flipped to green");
        assertThatThrownBy(() -> made.executeQuery("select 1"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("taken from blue");
        made.close();
        reader.close();
        assertThat(blue.statements()).isEmpty();
        assertThat(blue.openConnections()).isZero();
    }

    @Test
    void flip_requiresPausedWrites() {
        assertThatThrownBy(() -> switcher.flipTo(Side.GREEN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("writes are not paused");
        assertThat(switcher.current()).isEqualTo(Side.BLUE);
    }

    @Test
    void flip_toTheCurrentSide_isRejected() {
        pauser.pause(Duration.ofMillis(100));
        try {
            assertThatThrownBy(() -> switcher.flipTo(Side.BLUE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already the current side");
        } finally {
            pauser.resume();
        }
    }

    @Test
    void readOnly_takesNoLeaseServesReadsDuringAPauseAndIsReadOnly() throws SQLException {
        pauser.pause(Duration.ofMillis(100));
        try (Connection c = switcher.readOnly().getConnection(); Statement s = c.createStatement()) {
            assertThat(c.isReadOnly()).isTrue();
            s.executeQuery("select 1");
            assertThat(pauser.inFlight()).isZero();
        } finally {
            pauser.resume();
        }
        assertThat(blue.statements()).extracting(RecordingDataSource.Executed::sql).containsExactly("select 1");
    }

    @Test
    void unwrap_reachesTheSwitcherTheConnectionAndTheStatement() throws SQLException {
        assertThat(switcher.unwrap(ConnectionSwitcher.class)).isSameAs(switcher);
        assertThat(switcher.unwrap(RecordingDataSource.class)).isSameAs(blue);
        assertThat(switcher.isWrapperFor(RecordingDataSource.class)).isTrue();
        try (Connection c = switcher.getConnection(); Statement s = c.createStatement()) {
            assertThat(c.unwrap(Connection.class)).isSameAs(c);
            assertThat(c.isWrapperFor(Connection.class)).isTrue();
            assertThat(s.getConnection()).isSameAs(c);
            assertThat(s.unwrap(Statement.class)).isSameAs(s);
        }
    }

    @Test
    void closedSwitcher_handsOutNothing() {
        switcher.close();
        switcher.close();
        assertThatThrownBy(switcher::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> switcher.readOnly().getConnection()).isInstanceOf(SQLException.class);
        assertThat(pauser.inFlight()).isZero();
    }

    @Test
    void build_validatesItsInputs() {
        assertThatThrownBy(() -> ConnectionSwitcher.between(null, green))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("blue");
        assertThatThrownBy(() -> ConnectionSwitcher.between(blue, blue))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("same DataSource");
        assertThatThrownBy(() -> ConnectionSwitcher.builder().blue(blue).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("green DataSource not set");
        assertThat(ConnectionSwitcher.builder().blue(blue).green(green).startOn(Side.GREEN).build().current())
                .isEqualTo(Side.GREEN);
    }

    private static DataSource dataSourceWhoseConnectionsFailToClose() {
        RecordingDataSource inner = RecordingDataSource.named("failing-close");
        return (DataSource) Proxy.newProxyInstance(LeasingConnectionSwitcherTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (self, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        Connection real = inner.getConnection();
                        return Proxy.newProxyInstance(LeasingConnectionSwitcherTest.class.getClassLoader(),
                                new Class<?>[] {Connection.class}, (c, m, a) -> {
                                    if (m.getName().equals("close")) {
                                        throw new SQLException("boom on close");
                                    }
                                    return m.invoke(real, a);
                                });
                    }
                    return method.invoke(inner, args);
                });
    }
}
