package io.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cutover.ConnectionSwitcher;
import io.cutover.Side;
import io.cutover.spring.app.NotesApplication;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot application (Tomcat, actuator, Boot's JdbcTemplate) configured by the
 * starter alone, on two embedded PostgreSQL servers, driven over HTTP as an operator would: status,
 * cutover, a write through the application that lands on green, rollback, status. The exchanges
 * are kept in {@code target/cutover-http-transcript.txt}.
 */
@SpringBootTest(classes = {NotesApplication.class, CutoverEndpointIT.Servers.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class CutoverEndpointIT {

    private static final String BLUE_PASSWORD = "blue-pw-never-shown";
    private static final String GREEN_PASSWORD = "green-pw-never-shown";
    private static PostgresServer blue;
    private static PostgresServer green;

    /** Stops the servers when the context closes, after the starter's stream (lifecycle beans stop first). */
    @TestConfiguration(proxyBeanMethods = false)
    static class Servers {
        @Bean
        AutoCloseable embeddedServers() {
            return () -> {
                blue.close();
                green.close();
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void databases(DynamicPropertyRegistry registry) {
        ServerPair<PostgresServer> pair = PostgresServer.startPair();
        blue = pair.blue();
        green = pair.green();
        blue.exec("CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL)",
                "INSERT INTO notes (body) SELECT 'seeded ' || g FROM generate_series(1, 100) g");
        green.exec("CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL, chars int)");
        registry.add("cutover.name", () -> "notes");
        registry.add("cutover.tables", () -> "notes");
        registry.add("cutover.blue.url", blue::jdbcUrl);
        registry.add("cutover.blue.user", () -> PostgresServer.USER);
        // Trust authentication ignores them; they are here to be looked for in the output.
        registry.add("cutover.blue.password", () -> BLUE_PASSWORD);
        registry.add("cutover.green.url", green::jdbcUrl);
        registry.add("cutover.green.user", () -> PostgresServer.USER);
        registry.add("cutover.green.password", () -> GREEN_PASSWORD);
        registry.add("cutover.budgets.total", () -> "20s");
        registry.add("management.endpoints.web.exposure.include", () -> "cutover,health,metrics");
    }

    @Test
    void operatorCutsOverAndRollsBack_overHttp_whileTheAppWritesThroughTheSwitcher(CapturedOutput output) {
        assertThat(dataSource).as("Boot's DataSource is the switcher").isInstanceOf(ConnectionSwitcher.class);
        HttpTranscript http = new HttpTranscript(port);

        http.note("the application has started; the stream blue -> green copies and then streams");
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.poll("/actuator/cutover").get("state").asText(), "STREAMING"::equals);
        JsonNode status = http.get("/actuator/cutover", 200);
        assertThat(status.get("name").asText()).isEqualTo("notes");
        assertThat(status.get("dialect").asText()).isEqualTo("postgres");
        assertThat(status.get("liveSide").asText()).isEqualTo("blue");
        assertThat(status.get("running").asBoolean()).isTrue();
        assertThat(status.get("direction").asText()).isEqualTo("blue -> green");
        assertThat(status.get("state").asText()).isEqualTo("STREAMING");
        assertThat(status.get("lag").get("events").isNumber()).isTrue();
        assertThat(status.get("appliedTotal").asLong()).as("the 100 seeded rows arrived by the copy, not as changes")
                .isGreaterThanOrEqualTo(0);
        assertThat(status.get("lastError").isNull()).isTrue();
        assertThat(status.get("lastCutover").isNull()).isTrue();

        long onBlue = http.post("/notes", "{\"body\":\"written on blue\"}", 201).get("id").asLong();
        http.note("a rollback before any cutover is refused");
        assertThat(http.post("/actuator/cutover/rollback", null, 409).get("error").asText())
                .contains("cannot rollback from green, writes go to blue");

        JsonNode cutover = http.post("/actuator/cutover/cutover", null, 200);
        assertThat(cutover.get("outcome").asText()).isEqualTo("FLIPPED");
        assertThat(cutover.get("from").asText()).isEqualTo("blue");
        assertThat(cutover.get("to").asText()).isEqualTo("green");
        assertThat(cutover.get("writePauseMillis").asDouble()).isPositive().isLessThan(20_000);
        assertThat(cutover.get("phasesMillis").has("CATCH_UP")).isTrue();
        assertThat(green.count("SELECT count(*) FROM notes WHERE chars IS NOT NULL")).as("rows through the transform")
                .isEqualTo(101);
        assertThat(green.rows("SELECT body, chars FROM notes WHERE id = " + onBlue))
                .containsExactly(List.of("written on blue", "15"));

        JsonNode pause = http.get("/actuator/metrics/cutover.write.pause", 200);
        assertThat(pause.get("measurements").get(0).get("value").asDouble()).as("one cutover timed").isEqualTo(1.0);

        long onGreen = http.post("/notes", "{\"body\":\"written on green\"}", 201).get("id").asLong();
        assertThat(onGreen).as("green's sequence was moved past blue's").isGreaterThan(onBlue);
        assertThat(green.rows("SELECT body, chars FROM notes WHERE id = " + onGreen))
                .as("written on green by the application itself, so not through the transform")
                .containsExactly(java.util.Arrays.asList("written on green", null));
        assertThat(http.get("/notes/" + onGreen, 200).get("body").asText()).isEqualTo("written on green");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.poll("/actuator/cutover").get("appliedTotal").asLong(), n -> n >= 1);
        status = http.get("/actuator/cutover", 200);
        assertThat(status.get("appliedTotal").asLong()).as("the write on green, applied on blue by the reverse stream")
                .isGreaterThanOrEqualTo(1);
        assertThat(status.get("liveSide").asText()).isEqualTo("green");
        assertThat(status.get("direction").asText()).isEqualTo("green -> blue");
        assertThat(status.get("lastCutover").get("to").asText()).isEqualTo("green");

        http.note("compare green with blue while the application runs on green");
        JsonNode verify = http.post("/actuator/cutover/verify", null, 200);
        assertThat(verify.get("direction").asText()).isEqualTo("green -> blue");
        assertThat(verify.get("clean").asBoolean()).as(verify.toPrettyString()).isTrue();
        assertThat(verify.get("rowsCompared").asLong()).isEqualTo(102);
        assertThat(verify.get("tables").get(0).get("differences").asLong()).isZero();
        // Blue is guarded (its triggers refuse writes); a replica-role session skips them.
        blue.exec("SET session_replication_role = replica", "UPDATE notes SET body = 'changed behind the stream' WHERE id = " + onBlue);
        JsonNode differs = http.post("/actuator/cutover/verify", null, 200);
        assertThat(differs.get("clean").asBoolean()).as("a row changed on blue alone").isFalse();
        assertThat(differs.get("tables").get(0).get("differences").asLong()).isEqualTo(1);
        blue.exec("SET session_replication_role = replica", "UPDATE notes SET body = 'written on blue' WHERE id = " + onBlue);
        assertThat(http.get("/actuator/cutover", 200).get("lastVerify").get("clean").asBoolean()).isFalse();

        JsonNode rollback = http.post("/actuator/cutover/rollback", null, 200);
        assertThat(rollback.get("outcome").asText()).isEqualTo("FLIPPED");
        assertThat(rollback.get("from").asText()).isEqualTo("green");
        assertThat(rollback.get("to").asText()).isEqualTo("blue");
        assertThat(blue.rows("SELECT body FROM notes WHERE id = " + onGreen))
                .as("the write on green came back to blue").containsExactly(List.of("written on green"));
        long afterRollback = http.post("/notes", "{\"body\":\"written on blue again\"}", 201).get("id").asLong();
        assertThat(blue.rows("SELECT body FROM notes WHERE id = " + afterRollback))
                .containsExactly(List.of("written on blue again"));

        status = http.get("/actuator/cutover", 200);
        assertThat(status.get("liveSide").asText()).isEqualTo("blue");
        assertThat(status.get("direction").asText()).isEqualTo("blue -> green");
        assertThat(status.get("lastCutover").get("from").asText()).isEqualTo("green");
        assertThat(status.get("lastCutover").get("to").asText()).isEqualTo("blue");
        assertThat(http.post("/actuator/cutover/finish-line", null, 400).get("error").asText())
                .contains("unknown operation 'finish-line'");

        http.note("no rollback will be needed: end the migration, lifting green's guard too");
        assertThat(blue.count("SELECT count(*) FROM pg_replication_slots") + green.count("SELECT count(*) FROM pg_replication_slots"))
                .as("slots before finish").isPositive();
        JsonNode finish = http.post("/actuator/cutover/finish/make-old-side-writable", null, 200);
        assertThat(finish.get("link").asText()).isEqualTo("notes-blue-to-green");
        assertThat(finish.get("removedFromBlue").toString()).contains("slot");
        assertThat(blue.count("SELECT count(*) FROM pg_replication_slots")).isZero();
        assertThat(green.count("SELECT count(*) FROM pg_replication_slots")).isZero();
        green.exec("INSERT INTO notes (body) VALUES ('green is writable again')");
        status = http.get("/actuator/cutover", 200);
        assertThat(status.get("running").asBoolean()).isFalse();
        assertThat(status.get("finish").get("link").asText()).isEqualTo("notes-blue-to-green");
        assertThat(http.post("/actuator/cutover/cutover", null, 409).get("error").asText())
                .contains("the migration is finished");
        long afterFinish = http.post("/notes", "{\"body\":\"after finish\"}", 201).get("id").asLong();
        assertThat(blue.rows("SELECT body FROM notes WHERE id = " + afterFinish)).containsExactly(List.of("after finish"));

        assertThat(http.text()).doesNotContain(BLUE_PASSWORD, GREEN_PASSWORD, "jdbc:postgresql");
        assertThat(output.getAll()).contains("cutover 'notes': rollback done").doesNotContain(BLUE_PASSWORD, GREEN_PASSWORD);
        assertThat(operationsSide()).isEqualTo(Side.BLUE);
        http.writeTo(Path.of("target", "cutover-http-transcript.txt"));
    }

    @Autowired
    CutoverOperations operations;

    private Side operationsSide() {
        return operations.liveSide();
    }
}
