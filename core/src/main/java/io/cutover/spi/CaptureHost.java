package io.cutover.spi;

import io.cutover.ReplicationStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * Runs change capture for dialects: the engine, the decoding, the apply on the target, the offsets,
 * the fences and the bulk copy's bookkeeping. A dialect describes a stream with a {@link CaptureSpec}
 * and asks the host for it; it never writes the host's control tables itself.
 *
 * <p>Cutover's host is the Debezium embedded engine in {@code cutover-capture}; another (Kafka
 * Connect, say) plugs in by implementing this interface and registering it as a
 * {@link ServiceLoader} provider. Implementations are thread-safe.
 */
public interface CaptureHost {

    /**
     * Creates a stream for a spec. The stream is {@code NEW}: nothing is read or written until
     * {@link ReplicationStream#start()}.
     *
     * @param spec what to capture, from where to where
     * @return the stream; the caller closes it
     * @throws NullPointerException if {@code spec} is null
     */
    ReplicationStream open(CaptureSpec spec);

    /**
     * Creates the fence table on a source if it is missing, so that a dialect can name it in what
     * it captures (a publication, say) before the first stream starts.
     *
     * @param source a connection to the source
     * @param table the fence table's name ({@link CaptureSpec#fenceTable()})
     * @throws SQLException if the source refuses
     */
    void createFenceTable(Connection source, String table) throws SQLException;

    /**
     * Returns the capture host on the class path or module path: the first {@link ServiceLoader}
     * provider of this interface.
     *
     * @return the host
     * @throws IllegalStateException if none is there; the message says which artifact to add
     */
    static CaptureHost load() {
        Iterator<CaptureHost> hosts = ServiceLoader.load(CaptureHost.class, CaptureHost.class.getClassLoader()).iterator();
        if (!hosts.hasNext()) {
            throw new IllegalStateException("no capture host found: add the io.cutover:cutover-capture artifact"
                    + " (the Debezium host) to the application's dependencies");
        }
        return hosts.next();
    }
}
