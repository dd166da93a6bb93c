package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LastErrorTest {

    private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void of_keepsTypeMessageAndTime() {
        LastError e = LastError.of(new SQLException("connection refused by blue:5432"), AT);
        assertThat(e.type()).isEqualTo("SQLException");
        assertThat(e.message()).isEqualTo("connection refused by blue:5432");
        assertThat(e.at()).isEqualTo(AT);
        assertThat(e.toString()).contains("SQLException", "blue:5432", "2026-01-01T10:00:00Z");
    }

    @Test
    void of_givesAnEmptyMessageForAnErrorWithout() {
        assertThat(LastError.of(new IllegalStateException(), AT).message()).isEmpty();
    }

    @Test
    void redact_removesPasswordSettings() {
        String redacted = LastError.redact("login failed: user=app password=s3cret; PWD: 'x y' secret=\"abc\"");
        assertThat(redacted).doesNotContain("s3cret", "x y", "abc").contains("user=app", "password=***", "PWD: ***");
    }

    @Test
    void redact_removesJdbcUrlParametersAndUserInfo() {
        String redacted = LastError.redact("cannot reach jdbc:postgresql://app:hunter2@blue:5432/orders?user=app&password=hunter2 now;"
                + " also jdbc:mysql://green/shop;password=pw2");
        assertThat(redacted).doesNotContain("hunter2", "pw2")
                .contains("jdbc:postgresql://***@blue:5432/orders?***", "jdbc:mysql://green/shop?***", " now;");
    }

    @Test
    void constructor_redactsTooAndRejectsNulls() {
        assertThat(new LastError("X", "password=abc", AT).message()).isEqualTo("password=***");
        assertThatThrownBy(() -> new LastError("X", null, AT)).isInstanceOf(NullPointerException.class).hasMessageContaining("message");
        assertThatThrownBy(() -> LastError.of(null, AT)).isInstanceOf(NullPointerException.class).hasMessageContaining("error");
    }
}
