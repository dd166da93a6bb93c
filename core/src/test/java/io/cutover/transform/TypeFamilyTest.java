package io.cutover.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypeFamilyTest {

    @ParameterizedTest
    @CsvSource({
            "bigint, NUMERIC", "int(11) unsigned, NUMERIC", "numeric(10;2), NUMERIC", "double precision, NUMERIC",
            "character varying, TEXT", "VARCHAR(255), TEXT", "uuid, TEXT", "enum('a';'b'), TEXT",
            "timestamp with time zone, TEMPORAL", "datetime(6), TEMPORAL", "date, TEMPORAL",
            "bytea, BINARY", "longblob, BINARY", "boolean, BOOLEAN", "tinyint(1), BOOLEAN", "bit(1), BOOLEAN",
            "jsonb, JSON", "json, JSON", "_int4, OTHER", "integer[], OTHER", "geometry, OTHER"})
    void ofSqlType_classifiesCommonPostgresAndMySqlNames(String type, TypeFamily family) {
        assertThat(TypeFamily.ofSqlType(type.replace(';', ','))).isEqualTo(family);
    }

    @Test
    void ofValue_classifiesRowValues() {
        assertThat(TypeFamily.ofValue(1L)).isEqualTo(TypeFamily.NUMERIC);
        assertThat(TypeFamily.ofValue(BigDecimal.ONE)).isEqualTo(TypeFamily.NUMERIC);
        assertThat(TypeFamily.ofValue("x")).isEqualTo(TypeFamily.TEXT);
        assertThat(TypeFamily.ofValue(Instant.EPOCH)).isEqualTo(TypeFamily.TEMPORAL);
        assertThat(TypeFamily.ofValue(new byte[0])).isEqualTo(TypeFamily.BINARY);
        assertThat(TypeFamily.ofValue(true)).isEqualTo(TypeFamily.BOOLEAN);
        assertThat(TypeFamily.ofValue(null)).isEqualTo(TypeFamily.OTHER);
    }

    @Test
    void compatibleWith_isCoarse() {
        assertThat(TypeFamily.TEXT.compatibleWith(TypeFamily.NUMERIC)).isFalse();
        assertThat(TypeFamily.TEXT.compatibleWith(TypeFamily.JSON)).isTrue();
        assertThat(TypeFamily.BOOLEAN.compatibleWith(TypeFamily.NUMERIC)).isTrue();
        assertThat(TypeFamily.OTHER.compatibleWith(TypeFamily.BINARY)).isTrue();
        assertThat(TypeFamily.TEMPORAL.compatibleWith(TypeFamily.TEXT)).isFalse();
    }
}
