package io.cutover.capture;

import io.cutover.spi.CaptureSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.CutoverException;
import io.cutover.spi.CaptureDialect;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class FenceWriterTest {

    /** Connections handed out by the fake source, each with its fence ids and whether it is closed. */
    private final List<FakeConnection> opened = new CopyOnWriteArrayList<>();
    /** How many of the next statement executions fail. */
    private final AtomicInteger failures = new AtomicInteger();

    private final class FakeConnection {
        final List<Long> fences = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile boolean autoCommit;

        Connection proxy() {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (p, m, args) -> switch (m.getName()) {
                        case "isClosed" -> closed;
                        case "close" -> {
                            closed = true;
                            yield null;
                        }
                        case "setAutoCommit" -> {
                            autoCommit = (Boolean) args[0];
                            yield null;
                        }
                        case "prepareStatement" -> statement();
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private PreparedStatement statement() {
            long[] id = new long[1];
            return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
                    (p, m, args) -> switch (m.getName()) {
                        case "setLong" -> {
                            if ((Integer) args[0] == 1) {
                                id[0] = (Long) args[1];
                            }
                            yield null;
                        }
                        case "setString", "close" -> null;
                        case "executeUpdate" -> {
                            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                throw new SQLException("connection reset");
                            }
                            fences.add(id[0]);
                            yield 1;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    private FenceWriter writer() {
        DataSource source = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, args) -> {
                    if (!m.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    FakeConnection c = new FakeConnection();
                    opened.add(c);
                    return c.proxy();
                });
        CaptureDialect dialect = (CaptureDialect) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CaptureDialect.class}, (p, m, args) -> {
                    if (m.getName().equals("prepareFenceSession")) {
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        CaptureSpec config = CaptureSpec.builder().name("orders").dialect(dialect).session(java.util.Map::of).source(source).target(source).build();
        return new FenceWriter(config);
    }

    @Test
    void write_reusesOneAutoCommitConnectionForEveryFence() {
        FenceWriter fences = writer();
        fences.write(1);
        fences.write(2);
        assertThat(opened).hasSize(1);
        assertThat(opened.get(0).fences).containsExactly(1L, 2L);
        assertThat(opened.get(0).autoCommit).isTrue();
    }

    @Test
    void write_replacesABrokenConnectionOnce() {
        FenceWriter fences = writer();
        fences.write(1);
        failures.set(1);
        fences.write(2);
        assertThat(opened).hasSize(2);
        assertThat(opened.get(0).closed).isTrue();
        assertThat(opened.get(1).fences).containsExactly(2L);
    }

    @Test
    void write_failsNamingStreamAndFence_whenTheFreshConnectionFailsToo() {
        FenceWriter fences = writer();
        failures.set(2);
        assertThatThrownBy(() -> fences.write(7)).isInstanceOf(CutoverException.class)
                .hasMessage("stream 'orders': writing fence 7 on the source failed: connection reset")
                .hasCauseInstanceOf(SQLException.class);
        assertThat(opened).hasSize(2).allMatch(c -> c.closed);
    }

    @Test
    void close_isIdempotent_andTheNextWriteOpensAConnection() {
        FenceWriter fences = writer();
        fences.write(1);
        fences.close();
        fences.close();
        assertThat(opened.get(0).closed).isTrue();
        fences.write(2);
        assertThat(opened).hasSize(2);
        assertThat(opened.get(1).fences).containsExactly(2L);
    }
}
