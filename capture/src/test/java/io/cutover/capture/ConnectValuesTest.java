package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class ConnectValuesTest {

    private static Schema named(Schema base, String name) {
        return SchemaBuilder.type(base.type()).name(name).optional().build();
    }

    @Test
    void convert_turnsDebeziumTemporalTypesIntoJavaTime() {
        assertThat(ConnectValues.convert(named(Schema.INT32_SCHEMA, "io.debezium.time.Date"), 19782))
                .isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(ConnectValues.convert(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTime"), 86_399_999_999L))
                .isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
        assertThat(ConnectValues.convert(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp"), -1L))
                .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(ConnectValues.convert(named(Schema.INT64_SCHEMA, "io.debezium.time.Timestamp"), 1_000L))
                .isEqualTo(LocalDateTime.of(1970, 1, 1, 0, 0, 1));
        assertThat(ConnectValues.convert(named(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTimestamp"), "2024-01-02T01:04:05.678901Z"))
                .isEqualTo(OffsetDateTime.of(2024, 1, 2, 1, 4, 5, 678_901_000, ZoneOffset.UTC));
        assertThat(ConnectValues.convert(named(Schema.INT64_SCHEMA, "io.debezium.time.MicroDuration"), 90_000_000L))
                .isEqualTo("PT1M30S");
    }

    @Test
    void convert_keepsNumbersExact_andReadsVariableScaleDecimals() {
        Schema decimal = Decimal.schema(4);
        assertThat(ConnectValues.convert(decimal, new BigDecimal("12345678.1234"))).isEqualTo(new BigDecimal("12345678.1234"));
        Schema vsd = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();
        Struct v = new Struct(vsd).put("scale", 6).put("value", new BigDecimal("-0.000001").unscaledValue().toByteArray());
        assertThat(ConnectValues.convert(vsd, v)).isEqualTo(new BigDecimal("-0.000001"));
    }

    @Test
    void convert_mapsUuidsBytesAndArrays() {
        UUID id = UUID.randomUUID();
        assertThat(ConnectValues.convert(named(Schema.STRING_SCHEMA, "io.debezium.data.Uuid"), id.toString())).isEqualTo(id);
        assertThat((byte[]) ConnectValues.convert(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {0, -1, 16})))
                .containsExactly(0, -1, 16);
        Schema ints = SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build();
        assertThat(ConnectValues.convert(ints, java.util.Arrays.asList(1, null, 3))).isEqualTo(java.util.Arrays.asList(1, null, 3));
        assertThat(ConnectValues.convert(named(Schema.STRING_SCHEMA, "io.debezium.data.Json"), "{\"a\": 1}")).isEqualTo("{\"a\": 1}");
    }

    @Test
    void convert_marksTheUnavailablePlaceholder_asAbsent_inEveryShape() {
        assertThat(ConnectValues.convert(Schema.STRING_SCHEMA, ConnectValues.UNAVAILABLE)).isSameAs(ConnectValues.ABSENT);
        assertThat(ConnectValues.convert(Schema.BYTES_SCHEMA,
                ByteBuffer.wrap(ConnectValues.UNAVAILABLE.getBytes(StandardCharsets.UTF_8)))).isSameAs(ConnectValues.ABSENT);
        assertThat(ConnectValues.convert(SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of(ConnectValues.UNAVAILABLE)))
                .isSameAs(ConnectValues.ABSENT);
        assertThat(ConnectValues.convert(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }

    @Test
    void row_keepsSchemaOrder() {
        Schema s = SchemaBuilder.struct().field("b", Schema.INT32_SCHEMA).field("a", Schema.OPTIONAL_STRING_SCHEMA).build();
        Map<String, Object> row = ConnectValues.row(new Struct(s).put("b", 1).put("a", null));
        assertThat(row.keySet()).containsExactly("b", "a");
    }
}
