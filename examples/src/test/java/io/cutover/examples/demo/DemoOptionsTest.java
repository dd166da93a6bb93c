package io.cutover.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    private static final Map<String, String> ENV = Map.of(DemoOptions.BLUE_USER, "app", DemoOptions.BLUE_PASSWORD, "s3cret-b",
            DemoOptions.GREEN_USER, "app", DemoOptions.GREEN_PASSWORD, "s3cret-g");

    @Test
    void parse_withoutUrls_runsEmbedded() {
        DemoOptions o = DemoOptions.parse(new String[] {"--cutovers", "2", "--rate", "1_000", "--seconds", "1"}, Map.of());
        assertThat(o.embedded()).isTrue();
        assertThat(o.cutovers()).isEqualTo(2);
        assertThat(o.rate()).isEqualTo(1000);
        assertThat(o.phase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.table()).isEqualTo("users");
    }

    @Test
    void parse_withUrls_takesCredentialsFromTheEnvironment_andNeverShowsThem() {
        DemoOptions o = DemoOptions.parse(new String[] {"--blue-url", "jdbc:postgresql://b:5432/app?password=leak",
            "--green-url", "jdbc:postgresql://g:5432/app"}, ENV);
        assertThat(o.embedded()).isFalse();
        assertThat(o.bluePassword()).isEqualTo("s3cret-b");
        assertThat(o.table()).isEqualTo("cutover_demo_users");
        assertThat(o.toString()).doesNotContain("s3cret", "leak").contains("jdbc:postgresql://b:5432/app");
    }

    @Test
    void parse_rejectsOneUrl_aMissingVariable_andUnknownFlags() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--blue-url", "jdbc:postgresql://b/app"}, ENV))
                .hasMessageContaining("both --blue-url and --green-url");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--blue-url", "jdbc:postgresql://b/app", "--green-url",
            "jdbc:postgresql://g/app"}, Map.of()))
                .hasMessageContaining(DemoOptions.BLUE_USER);
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--speed", "3"}, Map.of())).hasMessageContaining("unknown flag --speed");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--rows"}, Map.of())).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--table", "users; drop"}, Map.of())).hasMessageContaining("plain identifier");
    }

    @Test
    void parse_instances_defaultsToOne_andIsShownOnlyWhenAFleetRuns() {
        assertThat(DemoOptions.parse(new String[0], Map.of()).instances()).isEqualTo(1);
        assertThat(DemoOptions.parse(new String[0], Map.of()).toString()).doesNotContain("instances");
        DemoOptions three = DemoOptions.parse(new String[] {"--instances", "3", "--writers", "2"}, Map.of());
        assertThat(three.instances()).isEqualTo(3);
        assertThat(three.writers()).isEqualTo(2);
        assertThat(three.toString()).contains("per instance, instances 3");
        assertThat(DemoOptions.defaults().withInstances(4).instances()).isEqualTo(4);
        assertThat(DemoOptions.defaults().withInstances(4).resized(10, 5, Duration.ZERO, DemoOptions.defaults().report())
                .instances()).isEqualTo(4);
    }

    @Test
    void parse_instances_rejectsZero_tooMany_andNonNumbers() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--instances", "0"}, Map.of()))
                .hasMessageContaining("--instances must be 1 to " + DemoOptions.MAX_INSTANCES).hasMessageContaining("was 0");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--instances", "17"}, Map.of()))
                .hasMessageContaining("was 17");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--instances", "three"}, Map.of()))
                .hasMessageContaining("--instances needs a whole number, got 'three'");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--instances"}, Map.of())).hasMessageContaining("needs a value");
        assertThat(DemoOptions.USAGE).contains("--instances N");
    }

    @Test
    void urlText_dropsUserInfoAndQuery() {
        assertThat(UrlText.withoutSecrets("jdbc:mysql://root:pw@db:3306/app?password=x")).isEqualTo("jdbc:mysql://db:3306/app");
    }

    @Test
    void hostPortDatabase_readsMySqlUrls() {
        assertThat(HostPortDatabase.parse("jdbc:mariadb://db.local:3307/shop?sslMode=trust", 3306))
                .isEqualTo(new HostPortDatabase("db.local", 3307, "shop"));
        assertThat(HostPortDatabase.parse("jdbc:mysql://db/shop", 3306)).isEqualTo(new HostPortDatabase("db", 3306, "shop"));
        assertThatThrownBy(() -> HostPortDatabase.parse("jdbc:mysql://db", 3306)).hasMessageContaining("host[:port]/database");
    }

    @Test
    void dialect_isToldByTheUrl() {
        assertThat(Dialect.of("jdbc:postgresql://h/db")).isEqualTo(Dialect.POSTGRES);
        assertThat(Dialect.of("jdbc:mariadb://h/db")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.of("jdbc:mysql://h/db")).isEqualTo(Dialect.MYSQL);
        assertThatThrownBy(() -> Dialect.of("jdbc:oracle:thin:@h")).hasMessageContaining("unsupported");
    }
}
