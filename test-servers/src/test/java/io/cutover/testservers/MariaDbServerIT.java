package io.cutover.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MariaDB harness itself: binlog settings in force, grants enforced, options and databases applied. */
class MariaDbServerIT {
    private static MariaDbServer server;

    @BeforeAll
    static void start() {
        server = MariaDbServer.start("harness", 41);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void builder_appliesOptions_withoutBinaryLog_andCreatesDatabases() throws SQLException {
        try (MariaDbServer other = MariaDbServer.builder().name("options").serverId(42).binaryLog(false)
                .option("binlog_format", "MIXED").database("made_at_start").start();
                Connection c = other.admin("made_at_start"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@log_bin, @@binlog_format, @@server_id, DATABASE()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
            assertThat(rs.getString(2)).isEqualTo("MIXED");
            assertThat(rs.getInt(3)).isEqualTo(42);
            assertThat(rs.getString(4)).isEqualTo("made_at_start");
            assertThat(other.binary("mariadb-dump")).isExecutable();
        }
    }

    @Test
    void builder_refusesTheOptionsItOwns() {
        assertThatThrownBy(() -> MariaDbServer.builder().option("log-bin", "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("binaryLog(boolean)");
        assertThatThrownBy(() -> MariaDbServer.builder().option("--port", "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MariaDbServer.builder().serverId(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void start_enablesRowBinlogWithFullImages() throws SQLException {
        try (Connection c = server.admin(""); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id, @@version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("ROW");
            assertThat(rs.getString(3)).isEqualTo("FULL");
            assertThat(rs.getInt(4)).isEqualTo(41);
            assertThat(rs.getString(5)).contains("MariaDB");
        }
    }

    @Test
    void start_enforcesPasswordsAndGrants() throws SQLException {
        server.exec("", "CREATE DATABASE IF NOT EXISTS harness",
                "CREATE USER IF NOT EXISTS 'nobody'@'%' IDENTIFIED BY 'pw'");
        assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(""), "admin", "wrong"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(""), "nobody", "pw");
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("CREATE TABLE harness.t (id INT PRIMARY KEY)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("denied");
        }
    }

    @Test
    void restart_keepsDataBinlogAndPort_andEndsOpenConnections() throws SQLException {
        try (MariaDbServer other = MariaDbServer.builder().name("restarted").serverId(43).binaryLog(true).database("kept").start()) {
            int port = other.port();
            other.exec("kept", "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
            try (Connection c = other.admin("kept"); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT @@log_bin")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("log_bin before the restart").isEqualTo("1");
            }
            try (Connection open = other.admin("kept")) {
                other.restart();
                assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
            }
            assertThat(other.port()).isEqualTo(port);
            try (Connection c = other.admin("kept"); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT @@log_bin, @@binlog_format, @@server_id, (SELECT COUNT(*) FROM t)")) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                        .containsExactly("1", "ROW", "43", "2");
            }
        }
    }
}
