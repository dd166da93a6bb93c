package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MySqlCutoverTest {

    private static MySqlCutover.Builder valid() {
        return MySqlCutover.builder().name("orders")
                .blue("blue.db", 3306, "shop", "cutover", "pw-blue")
                .green("green.db", 3306, "shop", "cutover", "pw-green")
                .tables("orders");
    }

    @Test
    void build_givesABlueToGreenLink_withoutConnecting() {
        try (ReplicationLink link = valid().build()) {
            assertThat(link.source()).isEqualTo(Side.BLUE);
            assertThat(link.target()).isEqualTo(Side.GREEN);
            assertThat(link.stream().name()).isEqualTo("orders_blue_to_green");
            assertThat(link.toString()).doesNotContain("pw-blue").doesNotContain("pw-green");
        }
    }

    @Test
    void build_rejectsMissingSidesAndTables() {
        assertThatThrownBy(() -> MySqlCutover.builder().tables("t").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("blue(...) and green(...)");
        assertThatThrownBy(() -> MySqlCutover.builder().blue("h", 1, "d", "u", "p").green("h", 1, "d", "u", "p").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no tables to replicate");
    }

    @Test
    void setters_rejectBadValuesNamingThem() {
        MySqlCutover.Builder b = MySqlCutover.builder();
        assertThatThrownBy(() -> b.name("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.blue("h", 0, "d", "u", "p")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> b.green(null, 1, "d", "u", "p")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> b.tables("a", "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> b.tables("x; DROP TABLE y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.sequenceHeadroom(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequenceHeadroom");
        assertThatThrownBy(() -> b.guardLockTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guardLockTimeout");
        assertThatThrownBy(() -> b.serverIds(5, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.tls(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("tls");
    }

    @Test
    void blueAndGreen_byUrl_readHostPortAndSchema() {
        try (ReplicationLink link = MySqlCutover.builder().tables("orders")
                .blue("jdbc:mariadb://blue.db/shop?sslMode=trust", "cutover", "pw")
                .green("jdbc:mysql://green.db:3307/shop", "cutover", "pw").build()) {
            assertThat(link.source()).isEqualTo(Side.BLUE);
        }
        assertThatThrownBy(() -> MySqlCutover.builder().blue("jdbc:postgresql://h/db", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:mysql://");
        assertThatThrownBy(() -> MySqlCutover.builder().blue("jdbc:mysql://h/db", null, "p"))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("user");
    }

    @Test
    void build_rejectsTheSameSchemaOnBothSides() {
        assertThatThrownBy(() -> valid().green("blue.db", 3306, "shop", "other", "pw").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("same database");
    }

    @Test
    void tls_mapsToConnectorJsSslMode_andTheDeprecatedSslModeMapsBack() {
        assertThat(Endpoint.sslMode(io.cutover.TlsMode.VERIFY_FULL)).isEqualTo("VERIFY_IDENTITY");
        assertThat(Endpoint.sslMode(io.cutover.TlsMode.DISABLE)).isEqualTo("DISABLED");
        for (io.cutover.TlsMode t : io.cutover.TlsMode.values()) {
            assertThat(Endpoint.tlsMode(Endpoint.sslMode(t))).isEqualTo(t);
        }
        assertThatThrownBy(() -> Endpoint.tlsMode("SOMETIMES")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpoint_neverShowsItsPassword() {
        Endpoint e = new Endpoint("db", 3306, "shop", "cutover", "s3cret");
        assertThat(e.toString()).isEqualTo("cutover@db:3306/shop");
        assertThat(e.jdbcUrl()).doesNotContain("s3cret");
    }

    @Test
    void sslMode_isTranslatedForEachConnector() {
        assertThat(Flavour.MARIADB.debeziumSslMode("DISABLED")).isEqualTo("disable");
        assertThat(Flavour.MARIADB.debeziumSslMode("VERIFY_IDENTITY")).isEqualTo("verify-full");
        assertThat(Flavour.MYSQL.debeziumSslMode("VERIFY_CA")).isEqualTo("verify_ca");
    }

    @Test
    void timeAsText_formatsDurationsBeyondADay() {
        assertThat(TimeAsText.format(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59))).isEqualTo("-838:59:59.000000");
        assertThat(TimeAsText.format(Duration.ofSeconds(30 * 3600, 5_000))).isEqualTo("30:00:00.000005");
        assertThat(TimeAsText.microTime(13 * 3600_000_000L + 5 * 60_000_000L + 7_000_001L)).isEqualTo("13:05:07.000001");
        assertThat(TimeAsText.format(null)).isNull();
    }
}
