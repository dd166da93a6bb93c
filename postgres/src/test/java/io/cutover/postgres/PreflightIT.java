package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.PreflightException;
import io.cutover.ReplicationStream;
import io.cutover.ReplicationLink;
import io.cutover.testservers.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every preflight problem gets a message that names the object, the state and the fix. */
class PreflightIT {

    private static final String WRONG_PASSWORD = "wrong-pass-4242";

    private static PgPair pg;
    private static PostgresServer plain;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        // wal_level=replica, one slot (taken), no WAL senders; password auth for one role.
        plain = PostgresServer.builder().config("wal_level", "replica").config("max_replication_slots", "1")
                .config("max_wal_senders", "0").dataDirectoryCustomizer(PreflightIT::scramFor).start();
        plain.exec("SELECT pg_create_physical_replication_slot('someone_elses')",
                "CREATE ROLE secret_user LOGIN PASSWORD 'right-password-1'",
                "CREATE TABLE t (id int PRIMARY KEY)");
        pg.both("CREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE nopk (v int)");
        pg.blue.exec("CREATE TABLE only_blue (id int PRIMARY KEY)",
                "CREATE ROLE norepl LOGIN", "REVOKE CREATE ON DATABASE postgres FROM PUBLIC", "GRANT SELECT ON t TO norepl");
    }

    @AfterAll
    static void stop() {
        pg.close();
        plain.close();
    }

    private static void scramFor(Path dataDir) {
        try {
            Path hba = dataDir.resolve("pg_hba.conf");
            String rules = "host all secret_user 127.0.0.1/32 scram-sha-256\nhost all secret_user ::1/128 scram-sha-256\n";
            Files.writeString(hba, rules + Files.readString(hba));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PostgresCutover.Builder plainAsBlue(String user, String password) {
        return PostgresCutover.builder().name("plain")
                .blue("localhost", plain.port(), PostgresServer.DATABASE, user, password)
                .green("localhost", pg.green.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .tables("t");
    }

    @Test
    void preflight_namesWalLevelSlotsAndSenders_withTheirFixes() {
        ReplicationLink link = plainAsBlue(PostgresServer.USER, PostgresServer.PASSWORD).build();
        assertThatThrownBy(link::preflight).isInstanceOfSatisfying(PreflightException.class, e -> {
            assertThat(e.problems()).hasSize(3);
            assertThat(e.getMessage())
                    .contains("blue PostgreSQL at localhost:" + plain.port() + "/postgres has wal_level=replica; logical decoding needs wal_level=logical")
                    .contains("ALTER SYSTEM SET wal_level = logical, then restart")
                    .contains("all 1 replication slots are in use; raise max_replication_slots")
                    .contains("no free WAL sender (0 in use, max_wal_senders=0); raise max_wal_senders");
        });
    }

    @Test
    void preflight_badPassword_saysSoWithoutPrintingIt() {
        ReplicationLink link = plainAsBlue("secret_user", WRONG_PASSWORD).build();
        assertThatThrownBy(link::preflight).isInstanceOfSatisfying(PreflightException.class, e -> {
            assertThat(e.getMessage()).contains("password authentication failed for user 'secret_user'")
                    .contains("check the user and password given for blue")
                    .doesNotContain(WRONG_PASSWORD);
            assertThat(String.valueOf(e.getCause())).doesNotContain(WRONG_PASSWORD);
        });
    }

    @Test
    void preflight_unreachableHost_namesHostAndPort() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ReplicationLink link = pg.builder("gone", "t")
                .green("localhost", closedPort, PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD).build();
        assertThatThrownBy(link::preflight).isInstanceOf(PreflightException.class)
                .hasMessageContaining("cannot reach green PostgreSQL at localhost:" + closedPort + "/postgres")
                .hasMessageContaining("check host and port");
    }

    @Test
    void preflight_tableWithoutPrimaryKey_andTableMissingOnGreen() {
        ReplicationLink link = pg.builder("tables", "t", "nopk", "only_blue").build();
        assertThatThrownBy(link::preflight).isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.getMessage())
                .contains("blue PostgreSQL at localhost:" + pg.blue.port() + "/postgres: table public.nopk has no primary key; add one")
                .contains("green PostgreSQL at localhost:" + pg.green.port() + "/postgres: table public.nopk has no primary key")
                .contains("green PostgreSQL at localhost:" + pg.green.port() + "/postgres: table public.only_blue does not exist; create it there"));
    }

    @Test
    void start_runsTheSourcePreflight_andFailsBeforeTouchingAnything() {
        ReplicationLink link = pg.builder("nopkstart", "nopk").build();
        assertThatThrownBy(() -> link.stream().start()).isInstanceOf(PreflightException.class)
                .hasMessageContaining("table public.nopk has no primary key");
        assertThat(link.stream().state()).isEqualTo(ReplicationStream.State.FAILED);
        assertThat(pg.blue.count("SELECT count(*) FROM pg_publication WHERE pubname = 'cutover_nopkstart_b2g'")).isZero();
        link.close();
    }

    @Test
    void preflight_roleWithoutReplicationOrCreate_namesTheGrants() {
        ReplicationLink link = PostgresCutover.builder().name("norepl")
                .blue("localhost", pg.blue.port(), PostgresServer.DATABASE, "norepl", "x")
                .green("localhost", pg.green.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .tables("t").build();
        assertThatThrownBy(link::preflight).isInstanceOfSatisfying(PreflightException.class, e -> assertThat(e.getMessage())
                .contains("role 'norepl' lacks the REPLICATION attribute; ALTER ROLE \"norepl\" REPLICATION")
                .contains("role 'norepl' cannot create publications in database postgres; GRANT CREATE ON DATABASE"));
    }

    @Test
    void preflight_slotAlreadyActive_saysWhoToStop() {
        try (ReplicationLink running = pg.builder("busy", "t").initialCopy(false).build()) {
            running.stream().start();
            running.stream().awaitFence(Duration.ofSeconds(30));
            ReplicationLink second = pg.builder("busy", "t").build();
            assertThatThrownBy(second::preflight).isInstanceOf(PreflightException.class)
                    .hasMessageContaining("replication slot cutover_busy_b2g is already active (pid ")
                    .hasMessageContaining("give this cutover another name");
        }
    }
}
