package io.cutover.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class FaultyDataSourceTest {

    // What the fake driver saw, in order.
    private final List<String> driver = new ArrayList<>();

    private DataSource fakeDriver() {
        Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                (p, m, a) -> {
                    driver.add(m.getName() + (a == null ? "" : " " + a[0]));
                    return m.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
        Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (p, m, a) -> {
                    driver.add(m.getName());
                    return switch (m.getName()) {
                        case "createStatement" -> statement;
                        case "unwrap" -> "the driver's own";
                        default -> null;
                    };
                });
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, a) -> connection);
    }

    @Test
    void beforeCommit_thatThrows_leavesTheTransactionUncommitted() throws Exception {
        DataSource ds = FaultyDataSource.wrap(fakeDriver(), new FaultyDataSource.CommitHook() {
            @Override
            public void beforeCommit(FaultyDataSource.Commit commit) throws SQLException {
                throw new SQLException("simulated crash");
            }
        });
        Connection c = ds.getConnection();
        assertThatThrownBy(c::commit).hasMessage("simulated crash");
        assertThat(driver).doesNotContain("commit");
    }

    @Test
    void afterCommit_runsOnceTheDriverCommitted_andSeesTheConnectionsSql() throws Exception {
        List<FaultyDataSource.Commit> seen = new ArrayList<>();
        DataSource ds = FaultyDataSource.wrap(fakeDriver(), new FaultyDataSource.CommitHook() {
            @Override
            public void afterCommit(FaultyDataSource.Commit commit) {
                seen.add(commit);
                driver.add("after");
            }
        });
        Connection c = ds.getConnection();
        c.prepareStatement("INSERT INTO cutover_offsets VALUES (?)");
        try (Statement st = c.createStatement()) {
            st.execute("SET synchronous_commit = off");
        }
        c.commit();
        assertThat(driver).containsSubsequence("commit", "after");
        assertThat(seen).singleElement().satisfies(commit -> {
            assertThat(commit.statements()).containsExactly("INSERT INTO cutover_offsets VALUES (?)", "SET synchronous_commit = off");
            assertThat(commit.mentions("CUTOVER_OFFSETS")).isTrue();
            assertThat(commit.mentions("orders")).isFalse();
            assertThat(commit.thread()).isEqualTo(Thread.currentThread().getName());
        });
    }

    @Test
    void unwrap_reachesTheDriversConnection() throws Exception {
        Connection c = FaultyDataSource.wrap(fakeDriver(), new FaultyDataSource.CommitHook() { }).getConnection();
        assertThat(c.unwrap(String.class)).isEqualTo("the driver's own");
    }
}
