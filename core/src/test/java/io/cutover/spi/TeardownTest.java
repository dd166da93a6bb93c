package io.cutover.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.FinishIncompleteException;
import io.cutover.FinishReport;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TeardownTest {

    @Test
    void report_listsWhatEachSideRemoved_andSkipsWhatWasNotThere() {
        try (Teardown t = new Teardown("orders").server(Side.BLUE, "blue db", new Servers(), c -> { })
                .server(Side.GREEN, "green db", new Servers(), c -> { })) {
            t.remove(Side.BLUE, "slot a", "SELECT 1", c -> "replication slot a");
            t.remove(Side.GREEN, "slot b", "SELECT 1", c -> null);
            t.remove(Side.GREEN, "table c", "DROP TABLE c", c -> "table c");
            t.removed(Side.GREEN, "file f");
            t.leftInPlace(Side.BLUE, "read_only = ON");
            FinishReport r = t.report();
            assertThat(r.removedFromBlue()).containsExactly("replication slot a");
            assertThat(r.removedFromGreen()).containsExactly("table c", "file f");
            assertThat(r.leftInPlace()).containsExactly("blue: read_only = ON");
        }
    }

    @Test
    void aSideThatRefusesConnections_failsItsRemovals_withTheSqlByHand_whileTheOtherSideGoesOn() {
        Servers green = new Servers();
        green.refuse = true;
        Teardown t = new Teardown("orders").server(Side.BLUE, "blue db", new Servers(), c -> { })
                .server(Side.GREEN, "green PostgreSQL at db2:5432/shop", green, c -> { });
        assertThat(t.remove(Side.GREEN, "table cutover_offsets", "DROP TABLE cutover_offsets", c -> "table cutover_offsets"))
                .isFalse();
        assertThat(t.remove(Side.GREEN, "publication p", "DROP PUBLICATION IF EXISTS p", c -> "publication p")).isFalse();
        assertThat(t.remove(Side.BLUE, "slot a", "SELECT 1", c -> "replication slot a")).isTrue();
        assertThat(green.attempts.get()).as("an unreachable side costs one connect attempt").isEqualTo(1);
        assertThatThrownBy(t::report).isInstanceOf(FinishIncompleteException.class)
                .hasMessageContaining("removed 1 object(s) but could not remove 2")
                .hasMessageContaining("green: table cutover_offsets on green PostgreSQL at db2:5432/shop (connection refused);"
                        + " by hand: DROP TABLE cutover_offsets")
                .hasMessageContaining("by hand: DROP PUBLICATION IF EXISTS p")
                .satisfies(e -> assertThat(((FinishIncompleteException) e).report().removedFromBlue())
                        .containsExactly("replication slot a"));
        t.close();
    }

    @Test
    void aRemovalThatThrows_isRecorded_andTheNextOneStillRuns() {
        Teardown t = new Teardown("orders").server(Side.BLUE, "blue db", new Servers(), c -> { });
        t.remove(Side.BLUE, "guard g", "DROP FUNCTION g()", c -> {
            throw new SQLException("permission denied for function g");
        });
        t.remove(Side.BLUE, "table t", "DROP TABLE t", c -> "table t");
        assertThatThrownBy(t::report).isInstanceOf(FinishIncompleteException.class)
                .hasMessageContaining("permission denied for function g").hasMessageContaining("by hand: DROP FUNCTION g()")
                .satisfies(e -> assertThat(((FinishIncompleteException) e).report().removedFromBlue()).containsExactly("table t"));
        t.close();
    }

    @Test
    void theSessionIsPreparedOnce_andTheConnectionReused_thenClosed() {
        Servers blue = new Servers();
        AtomicInteger prepared = new AtomicInteger();
        try (Teardown t = new Teardown("orders").server(Side.BLUE, "blue db", blue, c -> prepared.incrementAndGet())) {
            t.remove(Side.BLUE, "a", "x", c -> "a");
            t.remove(Side.BLUE, "b", "x", c -> "b");
        }
        assertThat(prepared.get()).isEqualTo(1);
        assertThat(blue.attempts.get()).isEqualTo(1);
        assertThat(blue.closed).containsExactly(true);
    }

    @Test
    void look_readsWithoutRecordingAFailure_whenTheSideIsDown() {
        Servers green = new Servers();
        green.refuse = true;
        Teardown t = new Teardown("orders").server(Side.GREEN, "green db", green, c -> { });
        t.look(Side.GREEN, c -> t.leftInPlace(Side.GREEN, "never reached"));
        FinishReport r = t.report();
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.leftInPlace()).isEmpty();
    }

    @Test
    void close_resetsTheSessionBeforeClosingIt() {
        Servers blue = new Servers();
        List<String> calls = new ArrayList<>();
        try (Teardown t = new Teardown("orders").server(Side.BLUE, "blue db", blue, c -> calls.add("set"),
                c -> calls.add("reset"))) {
            t.look(Side.BLUE, c -> calls.add("look"));
        }
        assertThat(calls).containsExactly("set", "look", "reset");
        assertThat(blue.closed).containsExactly(true);
    }

    @Test
    void aSideWithoutServer_isAProgrammingError() {
        Teardown t = new Teardown("orders");
        assertThatThrownBy(() -> t.remove(Side.GREEN, "a", "x", c -> "a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server(green");
    }

    @Test
    void checkNoOtherLinkOpen_refuses_andSaysWhichLinkToFinish() {
        ReplicationLink self = link("orders blue -> green");
        ReplicationLink reverse = link("orders green -> blue");
        Teardown.checkNoOtherLinkOpen(self, false, List.of());
        assertThatThrownBy(() -> Teardown.checkNoOtherLinkOpen(self, true, List.of(reverse)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot finish orders blue -> green: it is closed")
                .hasMessageContaining("orders green -> blue is still open")
                .hasMessageContaining("cutover.reverseLink().orElseThrow().finish()");
        assertThatThrownBy(() -> Teardown.checkNoOtherLinkOpen(self, false, List.of(reverse)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a cutover over this link is running or has flipped")
                .hasMessageContaining("wait for execute() to return");
    }

    private static ReplicationLink link(String name) {
        return (ReplicationLink) Proxy.newProxyInstance(ReplicationLink.class.getClassLoader(),
                new Class<?>[] {ReplicationLink.class}, (p, m, a) -> {
                    if (m.getName().equals("toString")) {
                        return name;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    /** Hands out connections that only know how to be set up and closed, or refuses them. */
    private static final class Servers implements DataSource {
        volatile boolean refuse;
        final AtomicInteger attempts = new AtomicInteger();
        final List<Boolean> closed = new ArrayList<>();

        @Override
        public Connection getConnection() throws SQLException {
            attempts.incrementAndGet();
            if (refuse) {
                throw new SQLException("connection refused", "08001");
            }
            int index = closed.size();
            closed.add(false);
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (p, m, a) -> switch (m.getName()) {
                        case "close" -> {
                            closed.set(index, true);
                            yield null;
                        }
                        case "isClosed" -> closed.get(index);
                        case "setAutoCommit" -> null;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
