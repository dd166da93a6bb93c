package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.Fence;
import io.cutover.ReplicationStream;
import io.cutover.Row;
import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The forward stream carries inserts, updates and deletes of every type, value for value. */
class StreamIT {

    private static PgPair pg;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private static final String TYPES = "CREATE TABLE types (id int PRIMARY KEY, c_small smallint, c_int int, c_big bigint,"
            + " c_num numeric(12,4), c_numvar numeric, c_real real, c_double double precision, c_bool boolean,"
            + " c_char char(5), c_varchar varchar(50), c_text text, c_bytea bytea, c_date date, c_time time,"
            + " c_ts timestamp, c_tstz timestamptz, c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb,"
            + " c_int_arr int[], c_text_arr text[], c_mood mood, c_big_text text)";

    private static final String FULL_ROW = "INSERT INTO types VALUES (%d, -32768, 2147483647, -9223372036854775808, 12345678.1234, 3.14159265358979323846264338,"
            + " 1.5, 2.718281828459045, true, 'ab', 'héllo ✓ 日本', 'line1\nline2 \"q\" ''s''', '\\x00ff10'::bytea,"
            + " '2024-02-29', '23:59:59.999999', '1999-12-31 23:59:59.123456', '2024-01-02 03:04:05.678901+02',"
            + " '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2.5, null]}',"
            + " '{\"b\": {\"c\": \"ü\"}}', '{1,2,3}', '{\"x\",\"y z\",\"\"}', 'happy', %s)";

    @Test
    void stream_carriesEveryTypeAndEveryChange_valueForValue() {
        pg.both("CREATE TYPE mood AS ENUM ('sad', 'happy')", TYPES);
        String big = "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 600) g)";
        pg.blue.exec(String.format(FULL_ROW, 1, big), "INSERT INTO types (id) VALUES (2)");
        try (ReplicationLink link = pg.builder("types", "types").build()) {
            ReplicationStream stream = link.stream();
            stream.start();
            // start() returns while the bulk initial copy runs; the fence waits for the copy and the stream.
            assertThat(stream.state()).isIn(ReplicationStream.State.COPYING, ReplicationStream.State.STREAMING);
            stream.awaitFence(Duration.ofSeconds(30));
            assertThat(stream.state()).isEqualTo(ReplicationStream.State.STREAMING);
            assertSame("types");

            pg.blue.exec(String.format(FULL_ROW, 3, "'small'"),
                    String.format(FULL_ROW, 4, big),
                    "UPDATE types SET c_int = 7, c_text = 'changed', c_numvar = -0.000001 WHERE id = 1",
                    "UPDATE types SET c_int = 8 WHERE id = 4", // c_big_text unchanged and TOASTed
                    "UPDATE types SET c_text = NULL, c_json = NULL, c_int_arr = NULL WHERE id = 3",
                    "DELETE FROM types WHERE id = 2",
                    "INSERT INTO types (id, c_text) VALUES (5, 'x')",
                    "UPDATE types SET c_text = 'y' WHERE id = 5",
                    "DELETE FROM types WHERE id = 5");
            Fence fence = stream.awaitFence(Duration.ofSeconds(30));
            assertThat(fence.position().value()).startsWith("lsn ");
            assertSame("types");
            assertThat(pg.green.count("SELECT count(*) FROM types WHERE c_big_text LIKE '%unavailable%'")).isZero();
            assertThat(pg.green.count("SELECT length(c_big_text) FROM types WHERE id = 4")).isEqualTo(600 * 32);
            assertThat(pg.green.rows("SELECT id FROM types ORDER BY id")).containsExactly(List.of("1"), List.of("3"), List.of("4"));
            assertThat(stream.lag().events()).isZero();
            // Verify reads every type as the stream writes it: no false difference, and a real one found.
            io.cutover.VerifyReport clean = link.verify();
            assertThat(clean.isClean()).as(clean.summary()).isTrue();
            pg.green.exec("UPDATE types SET c_tstz = c_tstz + interval '1 microsecond', c_jsonb = '{}' WHERE id = 3");
            assertThat(link.verify().tables().get(0).reported()).singleElement()
                    .satisfies(d -> assertThat(d.columns()).containsExactlyInAnyOrder("c_tstz", "c_jsonb"));
        }
    }

    @Test
    void stream_keepsUnchangedToastedValues_throughUpdatesAndPrimaryKeyChanges() {
        pg.both("CREATE TABLE toasty (id int PRIMARY KEY, n int, big text, blob bytea, tags text[])");
        String big = "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 600) g)";
        String blob = "(SELECT string_agg(decode(md5(g::text), 'hex'), ''::bytea) FROM generate_series(1, 800) g)";
        String tags = "(SELECT array_agg(md5(g::text)) FROM generate_series(1, 400) g)";
        try (ReplicationLink link = pg.builder("toasty", "toasty").initialCopy(false).build()) {
            link.stream().start();
            pg.blue.exec("INSERT INTO toasty VALUES (1, 0, " + big + ", " + blob + ", " + tags + ")",
                    "INSERT INTO toasty VALUES (10, 0, " + big + ", " + blob + ", " + tags + ")");
            link.stream().awaitFence(Duration.ofSeconds(30));
            // Neither update touches the TOASTed columns: Debezium sends its placeholder for them.
            pg.blue.exec("UPDATE toasty SET n = 1 WHERE id = 1", "UPDATE toasty SET id = 2, n = 2 WHERE id = 10");
            link.stream().awaitFence(Duration.ofSeconds(30));
            assertSame("toasty");
            assertThat(pg.green.rows("SELECT id, length(big), length(blob), cardinality(tags) FROM toasty ORDER BY id"))
                    .containsExactly(List.of("1", "19200", "12800", "400"), List.of("2", "19200", "12800", "400"));
        }
    }

    @Test
    void stream_appliesTheTableTransform_toRowsAndDeleteKeys() {
        pg.blue.exec("CREATE TABLE users (id int PRIMARY KEY, name text)");
        pg.green.exec("CREATE TABLE users (id int PRIMARY KEY, name text, name_upper text)");
        try (ReplicationLink link = pg.builder("users", "users")
                .transform("users", row -> {
                    Map<String, Object> v = new LinkedHashMap<>(row.values());
                    if (v.get("name") != null) {
                        v.put("name_upper", v.get("name").toString().toUpperCase());
                    }
                    return new Row(row.table(), v);
                }, row -> row)
                .build()) {
            link.stream().start();
            pg.blue.exec("INSERT INTO users VALUES (1, 'ann'), (2, 'bob')", "DELETE FROM users WHERE id = 2");
            link.stream().awaitFence(Duration.ofSeconds(30));
            assertThat(pg.green.rows("SELECT id, name, name_upper FROM users ORDER BY id"))
                    .containsExactly(List.of("1", "ann", "ANN"));
        }
    }

    @Test
    void stream_catchesUpOnABacklog_andMeasuresApplyThroughput() {
        pg.both("CREATE TABLE backlog (id int PRIMARY KEY, v text, n int)");
        try (ReplicationLink link = pg.builder("backlog", "backlog").initialCopy(false).build()) {
            ReplicationStream stream = link.stream();
            stream.start();
            stream.stop();
            assertThat(stream.state()).isEqualTo(ReplicationStream.State.STOPPED);
            pg.blue.exec("INSERT INTO backlog SELECT g, 'row ' || g, 0 FROM generate_series(1, 20000) g",
                    "UPDATE backlog SET n = 1 WHERE id % 2 = 0",
                    "DELETE FROM backlog WHERE id % 10 = 0");
            long started = System.nanoTime();
            stream.start();
            stream.awaitFence(Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("apply throughput: %d changes in %.2f s (%.0f changes/s, engine start included)%n",
                    32000, seconds, 32000 / seconds);
            assertSame("backlog");
            assertThat(pg.green.count("SELECT count(*) FROM backlog")).isEqualTo(18000);

            List<Long> micros = new java.util.ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                int id = 100000 + i;
                long t0 = System.nanoTime();
                pg.blue.exec("INSERT INTO backlog VALUES (" + id + ", 'one', 0)");
                org.awaitility.Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> pg.green.count("SELECT count(*) FROM backlog WHERE id = " + id) == 1);
                micros.add((System.nanoTime() - t0) / 1000);
            }
            java.util.Collections.sort(micros);
            System.out.printf("commit->applied latency over 20 single-row commits: p50 %.1f ms, max %.1f ms%n",
                    micros.get(10) / 1000.0, micros.get(19) / 1000.0);
        }
    }

    @Test
    void closeRightAfterStart_stopsPromptly_andLeavesNoSlot() {
        pg.both("CREATE TABLE quick (id int PRIMARY KEY)");
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            ReplicationLink link = pg.builder("quick", "quick").initialCopy(false).build();
            link.stream().start();
            link.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("start and close, round %d", i).isLessThan(Duration.ofSeconds(15));
            assertThat(pg.blue.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cutover_quick_b2g'")).isZero();
        }
    }

    private static void assertSame(String table) {
        List<List<String>> blue = pg.blue.rows("SELECT * FROM " + table + " ORDER BY 1");
        List<List<String>> green = pg.green.rows("SELECT * FROM " + table + " ORDER BY 1");
        assertThat(green).hasSameSizeAs(blue);
        for (int i = 0; i < blue.size(); i++) {
            assertThat(green.get(i)).as("row %d of %s", i, table).containsExactlyElementsOf(blue.get(i));
        }
    }
}
