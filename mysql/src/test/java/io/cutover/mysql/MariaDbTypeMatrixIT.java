package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every column type of the matrix survives capture from blue, conversion and upsert/delete on
 * green: after inserts at both ends of each range, a row of NULLs, updates and deletes, green
 * holds byte for byte what blue holds.
 */
class MariaDbTypeMatrixIT {
    private static final String DB = "matrix";
    private static final String TABLE = "CREATE TABLE all_types ("
            + " id INT PRIMARY KEY,"
            + " ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,"
            + " mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,"
            + " dec_ DECIMAL(30,10), f FLOAT, d DOUBLE, b1 BIT(1), b13 BIT(13), b64 BIT(64), bool_ BOOLEAN,"
            + " c CHAR(10), vc VARCHAR(100), tx TEXT, ltx LONGTEXT,"
            + " bin BINARY(4), vbin VARBINARY(50), bl BLOB,"
            + " dt DATE, tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, yr YEAR,"
            + " js JSON, en ENUM('a','b','c'), st SET('x','y','z')"
            + ") CHARACTER SET utf8mb4";
    private static final String MAX_ROW = "INSERT INTO all_types VALUES (1,"
            + " 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
            + " 9223372036854775807, 18446744073709551615,"
            + " 12345678901234567890.0123456789, 3.14159, 2.718281828459045, b'1', b'1010101010101',"
            + " b'1111111111111111111111111111111111111111111111111111111111111111', TRUE,"
            + " 'abc', 'héllo wörld 😀', '日本語 🎉 text', REPEAT('long😀', 20000),"
            + " 0x00010203, 0xDEADBEEF00, 0x00FF00FF7F80,"
            + " '2024-02-29', '-838:59:59.000000', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', 2155,"
            + " '{\"a\": [1, 2, {\"b\": \"😀\"}]}', 'c', 'x,z')";
    private static final String MIN_ROW = "INSERT INTO all_types VALUES (2,"
            + " -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
            + " -99999999999999999999.9999999999, -1.5e-10, -1.7976931348623157e308, b'0', b'0', b'0', FALSE,"
            + " '', '', '', '',"
            + " 0x00000000, '', '',"
            + " '1000-01-01', '838:59:59.999999', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000', 1901,"
            + " '[]', 'a', '')";
    private static final String NULL_ROW = "INSERT INTO all_types (id) VALUES (3)";

    private static MariaDbServer blue;
    private static MariaDbServer green;

    @BeforeAll
    static void start() {
        MariaDbServer[] pair = MariaDbServer.startPair("blue", 201, "green", 202);
        blue = pair[0];
        green = pair[1];
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
            s.exec(DB, TABLE);
        }
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void everyType_roundTripsThroughCaptureAndUpsert() throws Exception {
        onBlue(MAX_ROW);
        Path state = Files.createTempDirectory("cutover-matrix-");
        Properties capture = CaptureProperties.of(Flavour.MARIADB, Accounts.endpoint(blue, DB, Accounts.CAPTURE),
                "matrix", 6201, List.of("all_types"), state, "initial", CaptureProperties.DEFAULT_SNAPSHOT_LOCKING);
        capture.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        try (CaptureToGreen pipe = new CaptureToGreen(capture, Accounts.endpoint(green, DB, Accounts.APPLY))) {
            awaitEqual(pipe);
            onBlue(MIN_ROW, NULL_ROW,
                    "UPDATE all_types SET biu = 18446744073709551614, vc = 'updated 🚀', ts = '2001-02-03 04:05:06.000007',"
                            + " b64 = b'1000000000000000000000000000000000000000000000000000000000000001', st = 'x,y,z'"
                            + " WHERE id = 1",
                    "INSERT INTO all_types SELECT 4, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, dec_, f, d, b1, b13, b64,"
                            + " bool_, c, vc, tx, ltx, bin, vbin, bl, dt, tm, dtm, ts, yr, js, en, st FROM all_types WHERE id = 1",
                    "UPDATE all_types SET ti = NULL, js = NULL, bl = NULL WHERE id = 4",
                    "UPDATE all_types SET vc = 'from null', tm = '00:00:00.000001' WHERE id = 3",
                    "DELETE FROM all_types WHERE id = 2");
            awaitEqual(pipe);
            assertThat(TablesCompared.rows(green, DB, "all_types", "id")).hasSize(3);
        }
    }

    private static void awaitEqual(CaptureToGreen pipe) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            pipe.assertHealthy();
            assertThat(TablesCompared.rows(green, DB, "all_types", "id"))
                    .containsExactlyElementsOf(TablesCompared.rows(blue, DB, "all_types", "id"));
        });
    }

    private static void onBlue(String... sql) throws SQLException {
        try (Connection c = blue.admin(DB); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
