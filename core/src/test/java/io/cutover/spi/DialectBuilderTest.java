package io.cutover.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ReplicationLink;
import io.cutover.RowTransform;
import io.cutover.Side;
import io.cutover.TlsMode;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class DialectBuilderTest {

    /** A dialect's builder: plain names only, URLs {@code test://host:port/db}; build() is not called. */
    static final class TestBuilder extends DialectBuilder<TestBuilder> {
        TestBuilder() {
            super(3);
        }

        @Override
        protected TestBuilder self() {
            return this;
        }

        @Override
        protected void checkName(String name) {
            if (!name.matches("\\w+")) {
                throw new IllegalArgumentException("bad name " + name);
            }
        }

        @Override
        protected void checkTable(String table) {
            if (!table.matches("\\w+")) {
                throw new IllegalArgumentException("bad table " + table);
            }
        }

        @Override
        protected ServerAddress parseUrl(Side side, String jdbcUrl, String user, String password) {
            String[] p = jdbcUrl.substring("test://".length()).split("[:/]");
            return new ServerAddress(p[0], Integer.parseInt(p[1]), p[2], user, password);
        }

        @Override
        public ReplicationLink build() {
            throw new UnsupportedOperationException();
        }
    }

    private static TestBuilder valid() {
        return new TestBuilder().blue("b", 1, "db", "u", "p").green("test://g:2/db", "u", "p").tables("orders");
    }

    @Test
    void settings_copiesWhatWasSet_withTheDefaults() {
        DataSource green = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> null);
        DialectSettings s = valid().name("shop").dataSource(Side.GREEN, green).tls(TlsMode.VERIFY_FULL).settings();
        assertThat(s.name()).isEqualTo("shop");
        assertThat(s.green()).isEqualTo(new ServerAddress("g", 2, "db", "u", "p"));
        assertThat(s.dataSource(Side.GREEN)).containsSame(green);
        assertThat(s.dataSource(Side.BLUE)).isEmpty();
        assertThat(s.tls()).isEqualTo(TlsMode.VERIFY_FULL);
        assertThat(s.copyParallelism()).isEqualTo(3);
        assertThat(s.sequenceHeadroom()).isEqualTo(DialectBuilder.DEFAULT_SEQUENCE_HEADROOM);
        assertThat(s.guardLockTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.initialCopy()).isTrue();
        assertThat(s.tables().on(Side.GREEN)).containsExactly("orders");
    }

    @Test
    void stallTimeout_defaultsTo30s_isCopied_andRefusesNullOrABoundUnder10s() {
        assertThat(valid().settings().stallTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(valid().stallTimeout(Duration.ofSeconds(12)).settings().stallTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThatThrownBy(() -> valid().stallTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("stallTimeout");
        assertThatThrownBy(() -> valid().stallTimeout(Duration.ofMillis(9_999))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 10 s").hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> valid().stallTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void captureSpecBuilder_refusesAStallBoundThatIsNotPositive() {
        CaptureSpec.Builder b = CaptureSpec.builder();
        assertThatThrownBy(() -> b.stallTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stallTimeout must be positive");
        assertThatThrownBy(() -> b.stallTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("stallTimeout");
    }

    @Test
    void setters_rejectNullsNamingThem_andBadValuesWithIae() {
        TestBuilder b = new TestBuilder();
        assertThatThrownBy(() -> b.name(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> b.blue(null, 1, "d", "u", "p")).isInstanceOf(NullPointerException.class).hasMessage("host");
        assertThatThrownBy(() -> b.green("test://h:1/d", "u", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("password");
        assertThatThrownBy(() -> b.dataSource(Side.BLUE, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource");
        assertThatThrownBy(() -> b.tls(null)).isInstanceOf(NullPointerException.class).hasMessage("tls");
        assertThatThrownBy(() -> b.startTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("startTimeout");
        assertThatThrownBy(() -> b.name("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.blue("h", 70000, "d", "u", "p")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> b.tables("a", "a")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> b.tables("x;y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.sequenceHeadroom(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequenceHeadroom");
        assertThatThrownBy(() -> b.guardLockTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guardLockTimeout");
        assertThatThrownBy(() -> b.startTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.copyParallelism(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copyParallelism");
        assertThatThrownBy(() -> b.copyParallelism(65)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settings_reportsConflictsWithIse() {
        assertThatThrownBy(() -> new TestBuilder().tables("t").settings()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("blue(...) and green(...)");
        assertThatThrownBy(() -> new TestBuilder().blue("b", 1, "d", "u", "p").green("g", 1, "d", "u", "p").settings())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tables");
        assertThatThrownBy(() -> valid().green("B", 1, "db", "other", "p").settings())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("same database");
        assertThatThrownBy(() -> valid().transform("other", RowTransform.IDENTITY, RowTransform.IDENTITY).settings())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'other'");
    }

    @Test
    void serverAddress_neverShowsThePassword() {
        assertThat(new ServerAddress("db", 5432, "shop", "cutover", "s3cret").toString())
                .isEqualTo("cutover@db:5432/shop").doesNotContain("s3cret");
    }
}
