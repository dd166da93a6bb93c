package io.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CanonTest {

    private static boolean same(Object a, Object b) {
        return Canon.same(Canon.of(a), Canon.of(b));
    }

    @Test
    void numbers_compareByValue_whateverTheirTypeAndScale() {
        assertThat(same(5, 5L)).isTrue();
        assertThat(same((short) 5, new BigDecimal("5.000"))).isTrue();
        assertThat(same(BigInteger.TEN, 10L)).isTrue();
        assertThat(same(new BigDecimal("0.00"), 0)).isTrue();
        assertThat(same(1.5f, new BigDecimal("1.50"))).isTrue();
        assertThat(same(new BigDecimal("1.50"), new BigDecimal("1.51"))).isFalse();
        assertThat(Canon.of(new BigDecimal("1.50"))).isEqualTo(Canon.of(new BigDecimal("1.5"))); // checksums agree too
    }

    @Test
    void booleans_areOneAndZero_asMariaDbStoresThem() {
        assertThat(same(true, 1)).isTrue();
        assertThat(same(false, (short) 0)).isTrue();
        assertThat(same(true, 0)).isFalse();
    }

    @Test
    void bytes_compareByContent() {
        assertThat(same(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
        assertThat(same(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
        assertThat(Canon.of(new byte[] {1, 2}).hashCode()).isEqualTo(Canon.of(new byte[] {1, 2}).hashCode());
    }

    @Test
    void instants_compareByTheInstant_whateverTheOffset() {
        OffsetDateTime t = OffsetDateTime.of(2026, 1, 1, 10, 0, 0, 0, ZoneOffset.ofHours(2));
        assertThat(same(t, t.withOffsetSameInstant(ZoneOffset.UTC))).isTrue();
        assertThat(same(t, t.plusNanos(1000))).isFalse();
        assertThat(same(LocalDateTime.of(2026, 1, 1, 0, 0), java.sql.Timestamp.valueOf("2026-01-01 00:00:00"))).isTrue();
    }

    @Test
    void textThatReadsAsTheOtherValue_isTheSame_butNotText() {
        assertThat(same("42", 42)).isTrue();
        assertThat(same("42.0", new BigDecimal("42"))).isTrue();
        assertThat(same("forty-two", 42)).isFalse();
        UUID id = UUID.randomUUID();
        assertThat(same(id, id.toString())).isTrue();
        assertThat(same("a", "a ")).isFalse();
    }

    @Test
    void nullsAndArrays() {
        assertThat(same(null, null)).isTrue();
        assertThat(same(null, "")).isFalse();
        assertThat(same(new Object[] {1, "x"}, List.of(1L, "x"))).isTrue();
        assertThat(same(List.of(1, 2), List.of(2, 1))).isFalse();
    }
}
