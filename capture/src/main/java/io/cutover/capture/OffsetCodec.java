package io.cutover.capture;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Serialises a record's source partition and offset exactly as the engine's offset writer does
 * (schemaless JSON, key {@code [engineName, partition]}), so that what the applier stores on the
 * target is what the engine's offset reader asks {@link TargetOffsetStore} for. Not thread-safe.
 */
final class OffsetCodec {

    private final String namespace;
    private final JsonConverter keys = new JsonConverter();
    private final JsonConverter values = new JsonConverter();

    OffsetCodec(String namespace) {
        this.namespace = namespace;
        keys.configure(Map.of("schemas.enable", "false"), true);
        values.configure(Map.of("schemas.enable", "false"), false);
    }

    /**
     * Returns the codec of a stream's engine, whose name is the offset key's namespace.
     *
     * @param stream the stream's name
     * @return a new codec
     */
    static OffsetCodec forStream(String stream) {
        return new OffsetCodec(engineName(stream));
    }

    /**
     * Returns the name the host gives a stream's engine.
     *
     * @param stream the stream's name
     * @return the engine's name
     */
    static String engineName(String stream) {
        return "cutover-" + stream;
    }

    String key(Map<String, ?> partition) {
        return new String(keys.fromConnectData(namespace, null, Arrays.asList(namespace, partition)), StandardCharsets.UTF_8);
    }

    String value(Map<String, ?> offset) {
        return new String(values.fromConnectData(namespace, null, offset), StandardCharsets.UTF_8);
    }
}
