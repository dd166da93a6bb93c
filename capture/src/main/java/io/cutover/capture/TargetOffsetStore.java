package io.cutover.capture;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * The Kafka Connect offset store the embedded engine reads its starting offset from. The
 * authoritative copy of a stream's offset lives on the target, in {@code cutover_offsets},
 * written by the applier in the same transaction as the rows; before starting the engine the
 * host reads that row and {@linkplain #register registers} it under a token passed in the engine
 * properties, and this store hands it to the connector. Offsets the engine writes back are kept
 * in memory only (they are already on the target).
 *
 * <p>Public only because the engine instantiates it reflectively; not part of the API.
 */
public final class TargetOffsetStore extends MemoryOffsetBackingStore {

    /** Engine property naming the registration this store loads. */
    static final String TOKEN = "cutover.offsets.token";

    private static final Map<String, String[]> REGISTERED = new ConcurrentHashMap<>();

    private String token;

    /** Called by the engine. */
    public TargetOffsetStore() {
    }

    static void register(String token, String key, String value) {
        REGISTERED.put(token, new String[] {key, value});
    }

    static void unregister(String token) {
        REGISTERED.remove(token);
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object t = config.originals().get(TOKEN);
        this.token = t == null ? null : t.toString();
    }

    @Override
    public synchronized void start() {
        super.start();
        String[] stored = token == null ? null : REGISTERED.get(token);
        if (stored != null && stored[0] != null && stored[1] != null) {
            data.put(ByteBuffer.wrap(stored[0].getBytes(StandardCharsets.UTF_8)),
                    ByteBuffer.wrap(stored[1].getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
