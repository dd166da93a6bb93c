package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.testservers.MariaDbServer;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debezium's embedded MariaDbConnector, with the settings {@link CaptureProperties} gives,
 * captures inserts, updates and deletes from a real MariaDB, and resumes after a restart from
 * its stored offsets and file-based schema history.
 */
class MariaDbCaptureSmokeIT {
    private static final String DB = "shop";
    private static MariaDbServer blue;
    @TempDir
    static Path state;

    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        blue = MariaDbServer.start("blue", 101);
        Accounts.create(blue, DB);
        blue.exec(DB, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(50))",
                "INSERT INTO items VALUES (1, 'before-snapshot')");
    }

    @AfterAll
    static void stop() {
        if (blue != null) {
            blue.close();
        }
    }

    @Test
    void capture_seesInsertUpdateDelete_andResumesAfterRestart() throws Exception {
        Properties props = CaptureProperties.of(Flavour.MARIADB, Accounts.endpoint(blue, DB, Accounts.CAPTURE),
                "smoke", 5401, List.of("items"), state, "initial", CaptureProperties.DEFAULT_SNAPSHOT_LOCKING);
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        props.setProperty("offset.storage.file.filename", state.resolve("offsets.dat").toString());
        props.setProperty("offset.flush.interval.ms", "0");

        runEngine(props, () -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("r:1:before-snapshot"));
            blue.exec(DB, "INSERT INTO items VALUES (2, 'two')",
                    "UPDATE items SET name = 'two-b' WHERE id = 2",
                    "DELETE FROM items WHERE id = 1");
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsAll(
                    List.of("c:2:two", "u:2:two-b", "d:1:before-snapshot")));
        });

        // While stopped: a change the restarted engine must pick up from its offsets.
        blue.exec(DB, "INSERT INTO items VALUES (3, 'while-down')");
        seen.clear();
        runEngine(props, () -> await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("c:3:while-down")));
        assertThat(seen).as("no snapshot again, nothing replayed before the stored offset")
                .noneMatch(s -> s.startsWith("r:") || s.equals("c:2:two"));
    }

    private void runEngine(Properties props, ThrowingRunnable body) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine
                .create(ChangeEventFormat.of(Connect.class))
                .using(props)
                .notifying(event -> record(event.record()))
                .build();
        try {
            executor.execute(engine);
            body.run();
        } finally {
            engine.close();
            executor.shutdown();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private void record(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return;
        }
        String op = value.getString("op");
        Struct row = value.getStruct("d".equals(op) ? "before" : "after");
        seen.add(op + ":" + row.get("id") + ":" + row.get("name"));
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
