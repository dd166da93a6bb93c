package io.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.transform.TableMapping;
import io.cutover.transform.Transforms;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class VerifierTest {
    private final DataSource blue = h2();
    private final DataSource green = h2();

    private static DataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    private static void exec(DataSource ds, String... sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void users(DataSource ds, int from, int to) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, name, score) VALUES (?, ?, ?)")) {
            for (int i = from; i <= to; i++) {
                ps.setLong(1, i);
                ps.setString(2, "user " + i);
                ps.setBigDecimal(3, new java.math.BigDecimal(i + ".50"));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void sameUsers(int n) {
        for (DataSource ds : List.of(blue, green)) {
            exec(ds, "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100), score DECIMAL(10,2))");
            users(ds, 1, n);
        }
    }

    private Verifier.Builder verifier() {
        return Verifier.builder().source(blue).target(green).table("users");
    }

    @Test
    void equalTables_areClean_andEveryRowAndChunkIsCounted() {
        sameUsers(2500);
        List<VerifyProgress> progress = new ArrayList<>();

        VerifyReport report = verifier().chunkSize(1000).progress(progress::add).build().run();

        assertThat(report.isClean()).isTrue();
        assertThat(report.rowsCompared()).isEqualTo(2500);
        assertThat(report.tables()).singleElement().satisfies(t -> {
            assertThat(t.chunks()).isEqualTo(3);
            assertThat(t.reported()).isEmpty();
            assertThat(t.unsettled()).isZero();
        });
        assertThat(progress).extracting(VerifyProgress::rowsCompared).containsExactly(1000L, 2000L, 2500L);
        assertThat(report.summary()).contains("verify: clean, 2500 rows");
    }

    @Test
    void aDeletedAChangedAndAnExtraRowOnTheTarget_areReportedWithTheirKeysAndColumns() {
        sameUsers(300);
        exec(green, "DELETE FROM users WHERE id = 17", "UPDATE users SET score = 1.25 WHERE id = 150",
                "INSERT INTO users (id, name, score) VALUES (1000, 'ghost', 0)");
        exec(blue, "DELETE FROM users WHERE id = 151");

        VerifyReport report = verifier().chunkSize(64).build().run();

        assertThat(report.isClean()).isFalse();
        TableDiff users = report.tables().get(0);
        assertThat(users.differences()).isEqualTo(4);
        assertThat(users.reported()).containsExactlyInAnyOrder(
                new RowDiff(RowDiff.Kind.MISSING_ON_TARGET, Map.of("ID", 17L), List.of()),
                new RowDiff(RowDiff.Kind.DIFFERING, Map.of("ID", 150L), List.of("SCORE")),
                new RowDiff(RowDiff.Kind.EXTRA_ON_TARGET, Map.of("ID", 151L), List.of()),
                new RowDiff(RowDiff.Kind.EXTRA_ON_TARGET, Map.of("ID", 1000L), List.of()));
        assertThat(report.differing()).containsExactly(users);
    }

    @Test
    void reportedKeys_areCapped_andTheRestCounted() {
        sameUsers(500);
        exec(green, "DELETE FROM users WHERE id > 250");

        TableDiff users = verifier().maxKeysReported(100).build().run().tables().get(0);

        assertThat(users.differences()).isEqualTo(250);
        assertThat(users.reported()).hasSize(100).allMatch(d -> d.kind() == RowDiff.Kind.MISSING_ON_TARGET);
        assertThat(users.unreported()).isEqualTo(150);
        assertThat(users.summary()).contains("and 150 more");
    }

    @Test
    void anEmptySourceTable_reportsEveryTargetRowAsExtra_pageByPage() {
        exec(blue, "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100), score DECIMAL(10,2))");
        exec(green, "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100), score DECIMAL(10,2))");
        users(green, 1, 95);

        TableDiff users = verifier().chunkSize(10).build().run().tables().get(0);

        assertThat(users.differences()).isEqualTo(95);
        assertThat(users.rowsCompared()).isZero();
    }

    @Test
    void rowsInsertedPastTheEndDuringTheRun_areLeftForTheNextRun() {
        sameUsers(250);
        AtomicInteger next = new AtomicInteger(10_000);

        VerifyReport report = verifier().chunkSize(50).progress(p -> users(blue, next.get(), next.getAndAdd(60) + 59))
                .build().run();

        assertThat(report.rowsCompared()).isEqualTo(250);
        assertThat(report.isClean()).isTrue();
    }

    @Test
    void aRowTheTargetHoldsAsTheSourceHadItAfterTheFence_isSettled() {
        sameUsers(100);
        exec(blue, "UPDATE users SET name = 'new' WHERE id = 5");

        VerifyReport report = verifier().fence(() -> exec(green, "UPDATE users SET name = 'new' WHERE id = 5",
                "UPDATE users SET name = 'newer' WHERE id = 5")).build().run();

        assertThat(report.tables().get(0).reported()).containsExactly(
                new RowDiff(RowDiff.Kind.DIFFERING, Map.of("ID", 5L), List.of("NAME")));
        exec(green, "UPDATE users SET name = 'old' WHERE id = 5");
        AtomicInteger fences = new AtomicInteger();
        VerifyReport settled = verifier().fence(() -> {
            fences.incrementAndGet();
            exec(green, "UPDATE users SET name = 'new' WHERE id = 5"); // the stream applies 'new'
            exec(blue, "UPDATE users SET name = 'newest' WHERE id = 5"); // and the source moves on
        }).build().run();
        assertThat(settled.isClean()).isTrue();
        assertThat(settled.tables().get(0).unsettled()).isZero();
        assertThat(fences).hasValue(1);
    }

    @Test
    void aDifferenceTheFenceCatchesUp_isNotReported() {
        sameUsers(100);
        exec(blue, "UPDATE users SET name = 'renamed' WHERE id = 42"); // not yet "applied" on green
        AtomicInteger fences = new AtomicInteger();

        VerifyReport report = verifier().fence(() -> {
            fences.incrementAndGet();
            exec(green, "UPDATE users SET name = 'renamed' WHERE id = 42");
        }).build().run();

        assertThat(report.isClean()).isTrue();
        assertThat(fences).hasValue(1);
    }

    @Test
    void aRowChangingAtEveryRecheck_isCountedUnsettled_notAsADifference() {
        sameUsers(100);
        AtomicInteger version = new AtomicInteger();
        exec(blue, "UPDATE users SET name = 'v0' WHERE id = 7");

        TableDiff users = verifier().rechecks(3).fence(() -> exec(blue,
                "UPDATE users SET name = 'v" + version.incrementAndGet() + "' WHERE id = 7")).build().run().tables().get(0);

        assertThat(users.isClean()).isTrue();
        assertThat(users.unsettled()).isEqualTo(1);
        assertThat(version).hasValue(3);
    }

    @Test
    void aCleanFenceAndNoChange_confirmsARealDifferenceOnce() {
        sameUsers(100);
        exec(green, "UPDATE users SET name = NULL WHERE id = 8");
        AtomicInteger fences = new AtomicInteger();

        TableDiff users = verifier().fence(fences::incrementAndGet).build().run().tables().get(0);

        assertThat(users.reported()).containsExactly(new RowDiff(RowDiff.Kind.DIFFERING, Map.of("ID", 8L), List.of("NAME")));
        assertThat(fences).hasValue(1);
    }

    @Test
    void sourceRows_passThroughTheTransform_beforeTheyAreCompared() {
        exec(blue, "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100))");
        exec(green, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(100),"
                + " phone VARCHAR(20), note VARCHAR(40) DEFAULT 'not written by the stream')");
        exec(blue, "INSERT INTO users VALUES (1, 'Ada', 'a@x'), (2, 'Grace', 'g@x')");
        exec(green, "INSERT INTO accounts (id, full_name, email, phone) VALUES (1, 'Ada', 'a@x', '+1'), (2, 'Grace', 'g@x', '+2')");
        TableMapping accounts = Transforms.forTable("users").key("ID").renameTable("accounts")
                .renameColumn("NAME", "FULL_NAME").addComputedColumn("PHONE", r -> "+" + r.get("ID")).build();
        Verifier.Builder b = Verifier.builder().source(blue).target(green).table("users", "accounts", accounts);

        assertThat(b.build().run().isClean()).isTrue();

        exec(green, "UPDATE accounts SET phone = '+9' WHERE id = 2");
        assertThat(b.build().run().tables().get(0).reported())
                .containsExactly(new RowDiff(RowDiff.Kind.DIFFERING, Map.of("ID", 2L), List.of("PHONE")));
    }

    @Test
    void compositeKeys_arePagedInKeyOrder() {
        for (DataSource ds : List.of(blue, green)) {
            exec(ds, "CREATE TABLE lines (order_id INT, line INT, qty INT, PRIMARY KEY (order_id, line))");
            StringBuilder insert = new StringBuilder("INSERT INTO lines VALUES ");
            for (int o = 1; o <= 20; o++) {
                for (int l = 1; l <= 7; l++) {
                    insert.append(o == 1 && l == 1 ? "" : ", ").append("(").append(o).append(", ").append(l).append(", 1)");
                }
            }
            exec(ds, insert.toString());
        }
        exec(green, "DELETE FROM lines WHERE order_id = 13 AND line = 7");

        VerifyReport report = Verifier.builder().source(blue).target(green).table("lines").chunkSize(5).build().run();

        assertThat(report.rowsCompared()).isEqualTo(140);
        assertThat(report.tables().get(0).reported()).containsExactly(
                new RowDiff(RowDiff.Kind.MISSING_ON_TARGET, Map.of("ORDER_ID", 13, "LINE", 7), List.of()));
    }

    @Test
    void valuesCompare_asTheDatabaseHoldsThem_acrossScaleBooleanAndTextTypes() {
        exec(blue, "CREATE TABLE t (id INT PRIMARY KEY, amount DECIMAL(10,2), flag BOOLEAN, label VARCHAR(10),"
                + " at TIMESTAMP WITH TIME ZONE, data VARBINARY(4))");
        exec(green, "CREATE TABLE t (id INT PRIMARY KEY, amount DECIMAL(12,4), flag TINYINT, label CHARACTER VARYING(50),"
                + " at TIMESTAMP WITH TIME ZONE, data VARBINARY(8))");
        exec(blue, "INSERT INTO t VALUES (1, 1.50, TRUE, 'x', TIMESTAMP WITH TIME ZONE '2026-01-01 10:00:00+02', X'0102')");
        exec(green, "INSERT INTO t VALUES (1, 1.5000, 1, 'x', TIMESTAMP WITH TIME ZONE '2026-01-01 08:00:00+00', X'0102')");

        assertThat(Verifier.builder().source(blue).target(green).table("t").build().run().isClean()).isTrue();

        exec(green, "UPDATE t SET data = X'0103', amount = 1.5001");
        assertThat(Verifier.builder().source(blue).target(green).table("t").build().run().tables().get(0).reported())
                .singleElement().satisfies(d -> assertThat(d.columns()).containsExactlyInAnyOrder("AMOUNT", "DATA"));
    }

    @Test
    void aSchemaGiven_readsItsTables_notTheSameNameElsewhere() {
        sameUsers(20);
        for (DataSource ds : List.of(blue, green)) {
            exec(ds, "CREATE SCHEMA other", "CREATE TABLE other.users (code VARCHAR(10) PRIMARY KEY, label VARCHAR(10))",
                    "INSERT INTO other.users VALUES ('a', 'x'), ('b', 'y')");
        }
        exec(green, "UPDATE other.users SET label = 'z' WHERE code = 'b'");

        VerifyReport report = Verifier.builder().source(blue).target(green).schemas("OTHER", "OTHER").table("users")
                .build().run();

        assertThat(report.rowsCompared()).isEqualTo(2);
        assertThat(report.tables().get(0).reported()).containsExactly(
                new RowDiff(RowDiff.Kind.DIFFERING, Map.of("CODE", "b"), List.of("LABEL")));
    }

    @Test
    void connectionsOutOfAutoCommit_areReadInAutoCommit_andHandedBackAsTheyCame() throws SQLException {
        sameUsers(10);
        Connection held = blue.getConnection();
        held.setAutoCommit(false);
        Connection unclosable = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> method.getName().equals("close")
                        ? null : method.invoke(held, args));
        DataSource oneConnection = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return unclosable;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        exec(blue, "UPDATE users SET name = 'moved' WHERE id = 3");

        VerifyReport report = Verifier.builder().source(oneConnection).target(green).table("users")
                .fence(() -> exec(green, "UPDATE users SET name = 'moved' WHERE id = 3")).build().run();

        assertThat(report.isClean()).isTrue();
        assertThat(held.getAutoCommit()).isFalse();
        held.close();
    }

    @Test
    void aMissingTableOrPrimaryKey_failsWithWhatToFix() {
        exec(blue, "CREATE TABLE nokey (id INT, name VARCHAR(10))");
        exec(green, "CREATE TABLE nokey (id INT, name VARCHAR(10))");

        assertThatThrownBy(() -> Verifier.builder().source(blue).target(green).table("nokey").build().run())
                .isInstanceOf(CutoverException.class).hasMessageContaining("source table 'nokey' has no primary key");
        assertThatThrownBy(() -> Verifier.builder().source(blue).target(green).table("absent").build().run())
                .isInstanceOf(CutoverException.class).hasMessageContaining("source table 'absent' not found");
    }

    @Test
    void aTransformThatThrows_failsTheRunNamingTheRowKey() {
        sameUsers(3);
        Verifier v = Verifier.builder().source(blue).target(green).table("users", "users", r -> {
            throw new IllegalArgumentException("no phone for " + r.get("ID"));
        }).build();

        assertThatThrownBy(v::run).isInstanceOf(CutoverException.class)
                .hasMessageContaining("the transform threw on the source row with key {ID=1}: no phone for 1");
    }

    @Test
    void builder_validatesAsItGoes_andInBuild() {
        assertThatThrownBy(() -> Verifier.builder().table("users").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("source(...) and target(...)");
        assertThatThrownBy(() -> Verifier.builder().source(blue).target(green).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one table");
        assertThatThrownBy(() -> Verifier.builder().chunkSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunkSize must be positive, was 0");
        assertThatThrownBy(() -> Verifier.builder().rechecks(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Verifier.builder().maxKeysReported(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Verifier.builder().table("users").table("users"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("added twice");
        assertThatThrownBy(() -> Verifier.builder().source(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("source");
        assertThatThrownBy(() -> Verifier.builder().progressInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLinkThatCannotVerify_saysSo() {
        ReplicationLink link = new ReplicationLink() {
            @Override public Side source() { return Side.BLUE; }
            @Override public ReplicationStream stream() { return null; }
            @Override public void preflight() { }
            @Override public io.cutover.spi.WriteGuard sourceGuard() { return null; }
            @Override public io.cutover.spi.WriteGuard targetGuard() { return null; }
            @Override public io.cutover.spi.KeyHandoff keyHandoff() { return null; }
            @Override public ReplicationLink prepareReverse() { return null; }
            @Override public void close() { }
        };
        assertThatThrownBy(link::verify).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot verify");
    }
}
