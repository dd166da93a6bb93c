package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.junit.jupiter.api.Test;

class OffsetCodecTest {

    @Test
    void storedOffset_isWhatTheEnginesOffsetReaderFinds() throws Exception {
        OffsetCodec codec = new OffsetCodec("cutover-s1");
        Map<String, Object> partition = Map.of("server", "cutover_s1_b2g");
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("lsn", 23_456_789L);
        offset.put("txId", 771L);
        TargetOffsetStore store = new TargetOffsetStore();
        TargetOffsetStore.register("t1", codec.key(partition), codec.value(offset));
        try {
            store.configure(new org.apache.kafka.connect.runtime.standalone.StandaloneConfig(Map.of(
                    "bootstrap.servers", "localhost:1", "key.converter", JsonConverter.class.getName(),
                    "value.converter", JsonConverter.class.getName(), "offset.storage.file.filename", "unused",
                    TargetOffsetStore.TOKEN, "t1")));
            store.start();
            JsonConverter keys = new JsonConverter();
            keys.configure(Map.of("schemas.enable", "false"), true);
            JsonConverter values = new JsonConverter();
            values.configure(Map.of("schemas.enable", "false"), false);
            OffsetStorageReaderImpl reader = new OffsetStorageReaderImpl(store, "cutover-s1", keys, values);

            Map<String, Object> read = reader.offset(partition);

            assertThat(read).containsEntry("lsn", 23_456_789L).containsEntry("txId", 771L);
            assertThat(codec.key(partition)).isEqualTo("[\"cutover-s1\",{\"server\":\"cutover_s1_b2g\"}]");
        } finally {
            store.stop();
            TargetOffsetStore.unregister("t1");
        }
    }
}
