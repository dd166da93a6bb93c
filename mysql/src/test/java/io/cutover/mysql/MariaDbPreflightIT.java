package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.TlsMode;
import io.cutover.Phase;
import io.cutover.PreflightException;
import io.cutover.ReplicationLink;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every preflight problem against real MariaDB servers, each message asserted with its fix. */
class MariaDbPreflightIT {
    private static final String DB = "pre";
    private static final String SECRET = "S3cret-Never-Printed";
    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static MariaDbServer noBinlog;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 601, "green", 602);
        blue = pair.blue();
        green = pair.green();
        noBinlog = MariaDbServer.builder().name("nobinlog").serverId(603).binaryLog(false).start();
        for (MariaDbServer s : List.of(blue, green, noBinlog)) {
            Accounts.create(s, DB);
            s.exec(DB, "CREATE TABLE orders (id INT PRIMARY KEY, note TEXT)");
        }
        blue.exec(DB, "CREATE TABLE audit_log (at DATETIME, line TEXT)", "CREATE TABLE only_blue (id INT PRIMARY KEY)");
        green.exec(DB, "CREATE TABLE audit_log (at DATETIME, line TEXT)");
        blue.exec("", "CREATE USER 'weak'@'%' IDENTIFIED BY '" + SECRET + "'", "GRANT SELECT ON " + DB + ".* TO 'weak'@'%'",
                "CREATE USER 'mighty_app'@'%' IDENTIFIED BY 'x'", "GRANT ALL PRIVILEGES ON *.* TO 'mighty_app'@'%'",
                "CREATE USER 'ro_admin_app'@'%' IDENTIFIED BY 'x'", "GRANT READ_ONLY ADMIN ON *.* TO 'ro_admin_app'@'%'");
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green, noBinlog}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static Endpoint cutover(MariaDbServer s) {
        return Accounts.endpoint(s, DB, Accounts.APPLY);
    }

    private static List<String> problems(Endpoint source, Endpoint target, List<String> tables, long serverId) {
        try {
            MySqlPreflight.check("blue", source, "green", target, tables, serverId, List.of());
        } catch (PreflightException e) {
            assertThat(e.phase()).isEqualTo(Phase.PREFLIGHT);
            return e.problems();
        }
        return List.of();
    }

    @Test
    void healthyServers_passWithoutProblems() {
        assertThat(MySqlPreflight.check("blue", cutover(blue), "green", cutover(green), List.of("orders"), 9001,
                List.of(Accounts.APP))).isEmpty();
    }

    @Test
    void binlogOff_isReportedWithTheRestartFix() {
        assertThat(problems(cutover(noBinlog), cutover(green), List.of("orders"), 9001)).singleElement().asString()
                .contains("blue MariaDB").contains("log_bin=OFF").contains("--log-bin --binlog-format=ROW")
                .contains("restart");
    }

    @Test
    void binlogFormatAndRowImage_areReportedWithTheirFixes() {
        blue.exec("", "SET GLOBAL binlog_format = 'MIXED'", "SET GLOBAL binlog_row_image = 'MINIMAL'");
        try {
            assertThat(problems(cutover(blue), cutover(green), List.of("orders"), 9001))
                    .anySatisfy(p -> assertThat(p).contains("binlog_format=MIXED").contains("SET GLOBAL binlog_format = 'ROW'"))
                    .anySatisfy(p -> assertThat(p).contains("binlog_row_image=MINIMAL").contains("'FULL'"))
                    .hasSize(2);
        } finally {
            blue.exec("", "SET GLOBAL binlog_format = 'ROW'", "SET GLOBAL binlog_row_image = 'FULL'");
        }
    }

    @Test
    void missingReplicationPrivileges_areNamedWithTheGrant() {
        Endpoint weak = Accounts.endpoint(blue, DB, "weak").as("weak", SECRET);
        assertThat(problems(weak, cutover(green), List.of("orders"), 9001)).singleElement().asString()
                .contains("user 'weak' lacks REPLICATION SLAVE, BINLOG MONITOR, RELOAD, READ_ONLY ADMIN")
                .contains("GRANT REPLICATION SLAVE, BINLOG MONITOR")
                .doesNotContain(SECRET);
    }

    @Test
    void serverIdClashes_areReported() {
        assertThat(problems(cutover(blue), cutover(green), List.of("orders"), 601)).singleElement().asString()
                .contains("server id 601").contains("blue's own server_id").contains("serverIds(");
        green.exec("", "SET GLOBAL server_id = 601");
        try {
            assertThat(problems(cutover(blue), cutover(green), List.of("orders"), 9001)).singleElement().asString()
                    .contains("blue and green have the same server_id (601)");
        } finally {
            green.exec("", "SET GLOBAL server_id = 602");
        }
    }

    @Test
    void tableWithoutPrimaryKey_andTableMissingOnGreen_areReported() {
        assertThat(problems(cutover(blue), cutover(green), List.of("orders", "audit_log", "only_blue"), 9001))
                .containsExactlyInAnyOrder(
                        "blue: table pre.audit_log has no primary key; changes are applied by key, so add one"
                                + " (ALTER TABLE audit_log ADD PRIMARY KEY (…))",
                        "green: table pre.only_blue is missing; create it on green with the same primary key before"
                                + " starting the stream");
    }

    @Test
    void unreachableHost_isReportedWithoutCredentials() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Endpoint nowhere = new Endpoint("127.0.0.1", closedPort, DB, Accounts.APPLY, SECRET, "DISABLED");
        assertThat(problems(nowhere, cutover(green), List.of("orders"), 9001)).singleElement().asString()
                .startsWith("blue at 127.0.0.1:" + closedPort + " is unreachable")
                .contains("check the host, the port").doesNotContain(SECRET);
    }

    @Test
    void badPassword_isReportedWithoutPrintingIt() {
        Endpoint wrong = cutover(green).as(Accounts.APPLY, SECRET);
        List<String> problems = problems(cutover(blue), wrong, List.of("orders"), 9001);
        assertThat(problems).singleElement().asString()
                .contains("green at 127.0.0.1:" + green.port() + " refused user 'cutover_apply': access denied")
                .doesNotContain(SECRET);
    }

    @Test
    void appUsersThatWriteThroughReadOnly_areWarnedAbout() {
        List<String> warnings = MySqlPreflight.check("blue", cutover(blue), "green", cutover(green), List.of("orders"),
                9001, List.of("mighty_app", "ro_admin_app", Accounts.APP));
        assertThat(warnings).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("'mighty_app'@'%' has ALL PRIVILEGES ON *.*")
                        .contains("guard cannot stop it").contains("REVOKE ALL PRIVILEGES"))
                .anySatisfy(w -> assertThat(w).contains("'ro_admin_app'@'%' has READ_ONLY ADMIN ON *.*"));
    }

    @Test
    void linkPreflight_throwsEveryProblemAtOnce() {
        try (ReplicationLink link = MySqlCutover.builder().name("pre")
                .blue(noBinlog.host(), noBinlog.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                .green(green.host(), green.port(), DB, Accounts.APPLY, "wrong-" + SECRET)
                .tls(TlsMode.DISABLE).tables("orders").build()) {
            assertThatThrownBy(link::preflight).isInstanceOf(PreflightException.class)
                    .hasMessageStartingWith("2 preflight problems:")
                    .hasMessageContaining("log_bin=OFF").hasMessageContaining("access denied")
                    .hasMessageNotContaining(SECRET);
        }
    }

    @Test
    void warmUp_whenGreenCannotBeReached_refusesNamingGreen_withoutCredentials() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (ReplicationLink link = MySqlCutover.builder().name("warm")
                .blue(blue.host(), blue.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                .green("127.0.0.1", closedPort, DB, Accounts.APPLY, SECRET)
                .tls(TlsMode.DISABLE).tables("orders").build()) {
            assertThatThrownBy(link::warmUp).isInstanceOf(PreflightException.class)
                    .hasMessageContaining("green at 127.0.0.1:" + closedPort + " is unreachable")
                    .hasMessageNotContaining(SECRET);
        }
    }
}
