package io.cutover.testservers;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Two servers of one kind, blue and green, started side by side: a server's start is mostly
 * waiting on its own boot, so the pair comes up in about the time of one.
 *
 * <p>Closing the pair closes both (green even when closing blue fails). Thread-safe.
 *
 * @param <S> the kind of server
 */
public final class ServerPair<S extends EmbeddedServer> implements AutoCloseable {

    private final S blue;
    private final S green;

    private ServerPair(S blue, S green) {
        this.blue = blue;
        this.green = green;
    }

    /**
     * Starts blue on the calling thread and green on another, and waits for both. If either fails
     * to start, the other is closed and the failure is thrown.
     *
     * @param blue starts the blue server
     * @param green starts the green server
     * @param <S> the kind of server
     * @return both servers, running
     * @throws NullPointerException if a supplier is null or returns null
     * @throws RuntimeException whatever a start threw (green's unwrapped from the future)
     */
    public static <S extends EmbeddedServer> ServerPair<S> start(Supplier<? extends S> blue, Supplier<? extends S> green) {
        Objects.requireNonNull(blue, "blue");
        Objects.requireNonNull(green, "green");
        CompletableFuture<S> g = CompletableFuture.supplyAsync(() -> Objects.requireNonNull(green.get(), "green"));
        S b;
        try {
            b = Objects.requireNonNull(blue.get(), "blue");
        } catch (RuntimeException | Error e) {
            g.thenAccept(EmbeddedServer::close);
            throw e;
        }
        try {
            return new ServerPair<>(b, g.join());
        } catch (CompletionException e) {
            b.close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Returns the blue server.
     *
     * @return blue
     */
    public S blue() {
        return blue;
    }

    /**
     * Returns the green server.
     *
     * @return green
     */
    public S green() {
        return green;
    }

    /**
     * Returns both servers, blue first.
     *
     * @return an immutable list of blue and green
     */
    public List<S> both() {
        return List.of(blue, green);
    }

    /** Stops both servers and deletes their data. Idempotent. */
    @Override
    public void close() {
        try {
            blue.close();
        } finally {
            green.close();
        }
    }
}
