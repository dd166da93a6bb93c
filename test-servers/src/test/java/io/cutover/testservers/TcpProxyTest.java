package io.cutover.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a small echo server on the loopback address. */
class TcpProxyTest {

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the proxy reset it
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = TcpProxy.to("echo", "127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        byte[] back = new byte[bytes.length];
        new DataInputStream(s.getInputStream()).readFully(back);
        return new String(back, StandardCharsets.UTF_8);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(proxy.host(), proxy.port());
        s.setSoTimeout(5_000);
        return s;
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code limit} passes. */
    private static boolean within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    @Test
    void forwardsBytesBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
        assertThat(proxy.accepted()).isEqualTo(1);
    }

    @Test
    void freeze_keepsConnectionsOpenAndSilent_andThawDeliversWhatWasHeld() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "before")).isEqualTo("before");
            proxy.freeze();
            assertThat(proxy.isFrozen()).isTrue();
            s.setSoTimeout(500);
            assertThatThrownBy(() -> roundTrip(s, "during")).as("no reply, no reset: a timeout")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(s.isClosed()).isFalse();
            try (Socket fresh = connect()) {
                fresh.setSoTimeout(500);
                assertThatThrownBy(() -> roundTrip(fresh, "new")).isInstanceOf(java.net.SocketTimeoutException.class);
            }
            proxy.thaw();
            assertThat(proxy.isFrozen()).isFalse();
            s.setSoTimeout(5_000);
            byte[] held = new byte["during".length()];
            new DataInputStream(s.getInputStream()).readFully(held);
            assertThat(new String(held, StandardCharsets.UTF_8)).isEqualTo("during");
            assertThat(roundTrip(s, "after")).isEqualTo("after");
        }
    }

    @Test
    void cut_resetsOpenConnections() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "before")).isEqualTo("before");
            proxy.cut(Duration.ofSeconds(5));
            assertThatThrownBy(() -> roundTrip(s, "during")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void cut_resetsNewConnectionsWhileItLasts_thenForwardsAgainByItself() throws IOException {
        proxy.cut(Duration.ofMillis(800));
        assertThat(proxy.isCut()).isTrue();
        try (Socket s = connect()) {
            assertThatThrownBy(() -> roundTrip(s, "during")).isInstanceOf(IOException.class);
        }
        assertThat(within(Duration.ofSeconds(5), () -> !proxy.isCut())).isTrue();
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "after")).isEqualTo("after");
        }
    }

    @Test
    void aConnectionToADownServer_isReset() throws IOException {
        int nothing;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothing = gone.getLocalPort();
        }
        try (TcpProxy down = TcpProxy.to("down", "127.0.0.1", nothing);
                Socket s = new Socket(down.host(), down.port())) {
            s.setSoTimeout(5_000);
            assertThatThrownBy(() -> roundTrip(s, "anyone?")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void cut_rejectsANegativeDuration_andAClosedProxy() {
        assertThatThrownBy(() -> proxy.cut(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        proxy.close();
        proxy.close();
        assertThatThrownBy(() -> proxy.cut(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
