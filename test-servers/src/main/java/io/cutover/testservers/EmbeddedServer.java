package io.cutover.testservers;

/**
 * A database server this library started, listening on a loopback port, owned by the caller.
 *
 * <p>Implementations are safe to use from many threads once started.
 */
public interface EmbeddedServer extends AutoCloseable {

    /**
     * Returns the host clients connect to.
     *
     * @return a loopback host name or address
     */
    String host();

    /**
     * Returns the TCP port the server listens on.
     *
     * @return the port
     */
    int port();

    /**
     * Stops the server and deletes its data. Idempotent; never throws a checked exception.
     */
    @Override
    void close();
}
