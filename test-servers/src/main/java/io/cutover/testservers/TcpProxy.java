package io.cutover.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy between clients and one server, for network faults in tests: it listens on a free
 * port of the loopback address and forwards every connection to the server, byte for byte, until
 * {@link #cut(Duration)} resets every connection and, for as long as the cut lasts, resets each new
 * one as soon as it is accepted, and until {@link #freeze()} stops forwarding without closing anything
 * (a stalled server or middlebox: connections stay open, bytes stop) until {@link #thaw()}. Point a client (a JDBC URL, a replication connection, a binlog
 * client) at {@link #host()}:{@link #port()} instead of the server to put it behind the proxy.
 *
 * <p>Two daemon threads per connection pump the bytes. Thread-safe; {@link #close()} is idempotent.
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);

    private final String name;
    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong cutUntilNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean cutting;
    private volatile boolean closed;
    private final Object frozenLock = new Object();
    private boolean frozen; // guarded by frozenLock

    /** One proxied connection: the client's socket and the server's. */
    private record Link(Socket client, Socket server) {
        void reset() {
            abort(client);
            abort(server);
        }
    }

    private TcpProxy(String name, InetSocketAddress upstream) throws IOException {
        this.name = name;
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a proxy to a server.
     *
     * @param name a label for logs and thread names ("blue", "green")
     * @param host the server's host
     * @param port the server's port
     * @return the running proxy
     * @throws NullPointerException if name or host is null
     * @throws IllegalArgumentException if the port is out of range
     * @throws UncheckedIOException if the proxy cannot listen
     */
    public static TcpProxy to(String name, String host, int port) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
        }
        try {
            return new TcpProxy(name, new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("proxy '" + name + "' could not listen", e);
        }
    }

    /**
     * Returns the host clients connect to: the loopback address.
     *
     * @return the address, as text
     */
    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /**
     * Returns the port clients connect to.
     *
     * @return the port
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Returns how many connections the proxy has accepted so far, cut ones included.
     *
     * @return the count
     */
    public long accepted() {
        return accepted.get();
    }

    /**
     * Returns how many connections are open through the proxy now.
     *
     * @return the count
     */
    public int openConnections() {
        return links.size();
    }

    /**
     * Cuts the network for {@code duration}: resets every open connection now, and every new one
     * as soon as it is accepted, until the duration has passed; the proxy then forwards again by
     * itself. Returns at once. A cut while one lasts extends it if it ends later.
     *
     * @param duration how long the cut lasts; zero resets the open connections only
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if the proxy is closed
     */
    public void cut(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a cut cannot last " + duration);
        }
        if (closed) {
            throw new IllegalStateException("proxy '" + name + "' is closed");
        }
        long until = System.nanoTime() + duration.toNanos();
        cutUntilNanos.accumulateAndGet(until, (a, b) -> a == Long.MIN_VALUE ? b : Math.max(a, b));
        cutting = true;
        int n = links.size();
        for (Link l : links) {
            l.reset();
        }
        links.clear();
        LOG.info("proxy '{}': cut for {} ms; reset {} connection(s)", name, duration.toMillis(), n);
    }

    /**
     * Stops forwarding without closing anything: open connections stay open and silent, new ones
     * are accepted and connected but carry nothing, until {@link #thaw()}. What a server or a
     * middlebox that stopped sending looks like: no reset, no error, nothing. Returns at once.
     *
     * @throws IllegalStateException if the proxy is closed
     */
    public void freeze() {
        if (closed) {
            throw new IllegalStateException("proxy '" + name + "' is closed");
        }
        synchronized (frozenLock) {
            frozen = true;
        }
        LOG.info("proxy '{}': frozen; {} connection(s) open and silent", name, links.size());
    }

    /** Forwards again what a {@link #freeze()} held, and everything after it. Idempotent. */
    public void thaw() {
        synchronized (frozenLock) {
            frozen = false;
            frozenLock.notifyAll();
        }
        LOG.info("proxy '{}': thawed, forwarding again", name);
    }

    /**
     * Whether the proxy is frozen now.
     *
     * @return true between {@link #freeze()} and {@link #thaw()}
     */
    public boolean isFrozen() {
        synchronized (frozenLock) {
            return frozen;
        }
    }

    /** Holds the calling pump while the proxy is frozen. */
    private void awaitThawed() throws java.io.InterruptedIOException {
        synchronized (frozenLock) {
            while (frozen && !closed) {
                try {
                    frozenLock.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while frozen");
                }
            }
        }
    }

    /**
     * Whether a cut lasts now.
     *
     * @return true while new connections are reset
     */
    public boolean isCut() {
        if (!cutting) {
            return false;
        }
        if (System.nanoTime() - cutUntilNanos.get() < 0) {
            return true;
        }
        cutting = false;
        LOG.info("proxy '{}': cut over, forwarding again", name);
        return false;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("proxy '{}': accept failed: {}", name, e.toString());
                }
                return;
            }
            accepted.incrementAndGet();
            if (isCut()) {
                abort(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(upstream, 5_000);
                if (server.getLocalPort() == server.getPort() && server.getLocalAddress().equals(server.getInetAddress())) {
                    // Linux may connect a socket to itself when nothing listens on a loopback port in
                    // the ephemeral range (a restarting server's): that is a refused connection.
                    throw new java.net.ConnectException("connected to itself: nothing listens on " + upstream);
                }
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                // The server itself is down: the client sees its connection reset, as it would be refused.
                abort(client);
                abort(server);
                continue;
            }
            Link link = new Link(client, server);
            links.add(link);
            if (isCut()) { // a cut that began while this one was connecting
                links.remove(link);
                link.reset();
                continue;
            }
            pump(link, client, server, "up");
            pump(link, server, client, "down");
        }
    }

    private void pump(Link link, Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    awaitThawed(); // frozen: what was read waits here, and nothing more is read
                    out.write(buf, 0, n);
                    out.flush();
                }
                // One side closed cleanly: close the other the same way.
                to.shutdownOutput();
            } catch (IOException e) {
                link.reset();
            } finally {
                if (from.isClosed() || to.isClosed() || (from.isInputShutdown() && to.isOutputShutdown())) {
                    links.remove(link);
                }
            }
        }, "tcp-proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    /** Closes a socket with a reset (RST), not a clean close: what a network fault looks like. */
    private static void abort(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (SocketException ignored) {
            // closed meanwhile
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops listening and resets every connection. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thaw();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("proxy '{}': closing the listener: {}", name, e.toString());
        }
        for (Link l : links) {
            l.reset();
        }
        links.clear();
    }

    @Override
    public String toString() {
        return "proxy '" + name + "' " + host() + ":" + port() + " -> " + upstream.getHostString() + ":" + upstream.getPort();
    }
}
