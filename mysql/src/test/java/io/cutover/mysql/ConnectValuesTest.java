package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

class ConnectValuesTest {

    private static Schema named(Schema base, String name) {
        return SchemaBuilder.type(base.type()).name(name).optional().build();
    }

    @Test
    void microTime_keepsSignAndHoursPast24() {
        assertThat(ConnectValues.microTime(-((838L * 3600 + 59 * 60 + 59) * 1_000_000L)))
                .isEqualTo("-838:59:59.000000");
        assertThat(ConnectValues.microTime(13 * 3600_000_000L + 5 * 60_000_000L + 7_000_001L))
                .isEqualTo("13:05:07.000001");
    }

    @Test
    void microTimestamp_beforeEpochKeepsMicros() {
        Object v = ConnectValues.toJdbc(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp"), -1L);
        assertThat(v).isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
    }

    @Test
    void zonedTimestamp_isTurnedIntoUtcLocal() {
        Object v = ConnectValues.toJdbc(named(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTimestamp"),
                "2024-02-29T23:30:00.123456Z");
        assertThat(v).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 30, 0, 123_456_000));
    }

    @Test
    void bits_areLittleEndian() {
        Object v = ConnectValues.toJdbc(named(Schema.BYTES_SCHEMA, "io.debezium.data.Bits"),
                ByteBuffer.wrap(new byte[] {0x01, 0x02}));
        assertThat(v).isEqualTo(0x0201L);
    }

    @Test
    void date_isDaysSinceEpoch() {
        assertThat(ConnectValues.toJdbc(named(Schema.INT32_SCHEMA, "io.debezium.time.Date"), 19_000))
                .isEqualTo(LocalDate.ofEpochDay(19_000));
    }

    @Test
    void timeAsText_formatsDurationsBeyondADay() {
        assertThat(TimeAsText.format(java.time.Duration.ofHours(-838).minusMinutes(59).minusSeconds(59)))
                .isEqualTo("-838:59:59.000000");
        assertThat(TimeAsText.format(java.time.Duration.ofSeconds(30 * 3600, 5_000))).isEqualTo("30:00:00.000005");
        assertThat(TimeAsText.format(null)).isNull();
    }

    @Test
    void null_staysNull() {
        assertThat(ConnectValues.toJdbc(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }
}
