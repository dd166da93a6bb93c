package io.cutover.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The PostgreSQL harness itself: the settings change capture relies on, overrides, clean-up. */
class PostgresServerIT {

    @Test
    void start_isReadyForLogicalDecoding_withStockCommitDurability() {
        try (PostgresServer server = PostgresServer.start()) {
            assertThat(server.rows("SELECT current_setting('wal_level'), current_setting('synchronous_commit'),"
                    + " current_setting('fsync'), current_setting('max_replication_slots')"))
                    .containsExactly(List.of("logical", "on", "off", "20"));
            assertThat(server.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + server.port() + "/postgres");
        }
    }

    @Test
    void builder_overridesSettings_runsTheCustomizer_andCloseDeletesTheData() {
        AtomicReference<Path> customized = new AtomicReference<>();
        PostgresServer server = PostgresServer.builder()
                .config("wal_level", "replica")
                .config("work_mem", "7MB")
                .dataDirectoryCustomizer(customized::set)
                .start();
        Path dir = server.dataDirectory();
        try {
            assertThat(customized.get()).isEqualTo(dir);
            assertThat(dir.resolve("PG_VERSION")).exists();
            server.exec("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1), (2)");
            assertThat(server.count("SELECT count(*) FROM t")).isEqualTo(2);
            assertThat(server.rows("SELECT current_setting('wal_level'), current_setting('work_mem')"))
                    .containsExactly(List.of("replica", "7MB"));
        } finally {
            server.close();
        }
        server.close();
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void builder_rejectsBadSettings() {
        assertThatThrownBy(() -> PostgresServer.builder().config(null, "x"))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> PostgresServer.builder().config(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restart_keepsDataAndPort_andEndsOpenSessionsAsAnAdministratorWould() throws Exception {
        try (PostgresServer server = PostgresServer.start()) {
            int port = server.port();
            server.exec("CREATE TABLE kept (id int PRIMARY KEY)", "INSERT INTO kept VALUES (1), (2), (3)");
            try (java.sql.Connection open = server.connect()) {
                server.restart();
                assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).isInstanceOf(java.sql.SQLException.class);
            }
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.count("SELECT count(*) FROM kept")).isEqualTo(3);
            assertThat(server.rows("SELECT current_setting('wal_level')")).containsExactly(List.of("logical"));
            server.restart();
            assertThat(server.count("SELECT count(*) FROM kept")).isEqualTo(3);
        }
    }
}
