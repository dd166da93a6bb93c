package io.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetHeartbeat;
import io.cutover.spring.app.NotesApplication;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The starter's switcher as a fleet member ({@code cutover.fleet.*} at its defaults), in real Spring
 * Boot applications on two embedded PostgreSQL servers: an application restarted after a cutover
 * comes up on green, with the same properties, and writes there; and two
 * applications in one JVM are two members, so a cutover run from one moves the other too.
 */
class CutoverFleetIT {

    private ServerPair<PostgresServer> pair;
    private PostgresServer blue;
    private PostgresServer green;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @BeforeEach
    void servers() {
        pair = PostgresServer.startPair();
        blue = pair.blue();
        green = pair.green();
        blue.exec("CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL)",
                "INSERT INTO notes (body) SELECT 'seeded ' || g FROM generate_series(1, 20) g");
        green.exec("CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL, chars int)");
    }

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
        blue.close();
        green.close();
    }

    @Test
    void restartAfterACutover_withTheSameProperties_comesUpOnGreen_andItsWritesLandThere() {
        ConfigurableApplicationContext first = boot(Map.of("cutover.fleet.member-id", "first"));
        HttpTranscript http = new HttpTranscript(port(first));
        awaitStreaming(http);
        long onBlue = http.post("/notes", "{\"body\":\"before the cutover\"}", 201).get("id").asLong();
        JsonNode cutover = http.post("/actuator/cutover/cutover", null, 200);
        assertThat(cutover.get("outcome").asText()).isEqualTo("FLIPPED");
        assertThat(green.rows("SELECT body FROM notes WHERE id = " + onBlue)).containsExactly(List.of("before the cutover"));
        first.close();

        ConfigurableApplicationContext second = boot(Map.of("cutover.fleet.member-id", "second"));
        ConnectionSwitcher switcher = second.getBean(ConnectionSwitcher.class);
        assertThat(switcher.current()).as("the recorded live side, whatever cutover.blue says").isEqualTo(Side.GREEN);
        assertThat(switcher.fleet()).map(FleetMember::id).contains("second");
        HttpTranscript again = new HttpTranscript(port(second));
        JsonNode status = again.get("/actuator/cutover", 200);
        assertThat(status.get("liveSide").asText()).isEqualTo("green");
        assertThat(status.get("running").asBoolean()).as("the stream back to blue ended with the first run").isFalse();
        assertThat(status.get("fleet").get("name").asText()).isEqualTo("notes");
        assertThat(status.get("fleet").get("member").asText()).isEqualTo("second");
        assertThat(status.get("fleet").get("behind").asBoolean()).isFalse();

        long afterRestart = again.post("/notes", "{\"body\":\"after the restart\"}", 201).get("id").asLong();
        assertThat(green.rows("SELECT body FROM notes WHERE id = " + afterRestart))
                .as("written on green, not refused by blue's guard").containsExactly(List.of("after the restart"));
        assertThat(again.get("/notes/" + afterRestart, 200).get("body").asText()).isEqualTo("after the restart");
        assertThat(blue.count("SELECT count(*) FROM notes")).as("nothing written on blue after the cutover").isEqualTo(21);
        assertThat(again.post("/actuator/cutover/rollback", null, 409).get("error").asText())
                .contains("the stream back to blue ended with that run");
        assertThat(switcher.current()).isEqualTo(Side.GREEN);
    }

    @Test
    void twoApplications_areTwoMembers_aCutoverFromOnePausesAndFlipsTheOther() {
        ConfigurableApplicationContext runner = boot(Map.of("cutover.fleet.member-id", "runs-the-stream"));
        ConfigurableApplicationContext other = boot(Map.of("cutover.fleet.member-id", "serves-only",
                "cutover.start-on-boot", "false"));
        ConnectionSwitcher otherSwitcher = other.getBean(ConnectionSwitcher.class);
        JdbcTemplate otherJdbc = other.getBean(JdbcTemplate.class);
        assertThat(otherSwitcher.current()).isEqualTo(Side.BLUE);
        HttpTranscript http = new HttpTranscript(port(runner));
        awaitStreaming(http);
        FleetChannel channel = runner.getBean(FleetChannel.class);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(
                () -> channel.members().stream().map(FleetHeartbeat::member).toList(),
                m -> m.containsAll(List.of("runs-the-stream", "serves-only")));

        // The other application writes all along; the cutover must pause its writes too, and none is lost.
        Writer writer = new Writer(otherJdbc);
        Thread t = new Thread(writer, "other-app-writer");
        t.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> writer.done.size() >= 20);
        JsonNode cutover = http.post("/actuator/cutover/cutover", null, 200);
        assertThat(cutover.get("outcome").asText()).isEqualTo("FLIPPED");
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(otherSwitcher::current, Side.GREEN::equals);
        int atFlip = writer.done.size();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> writer.done.size() >= atFlip + 20);
        writer.stop = true;
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !t.isAlive());

        assertThat(writer.failures).as("no write of the other application was refused or lost").isEmpty();
        List<FleetCommand> commands = channel.commandsAfter(0);
        // the FLIP ends each member's pause: a cutover that flipped publishes no RESUME
        assertThat(commands).extracting(FleetCommand::kind).containsSubsequence(FleetCommand.Kind.PAUSE,
                FleetCommand.Kind.FLIP).doesNotContain(FleetCommand.Kind.RESUME);
        assertThat(commands).allSatisfy(c -> assertThat(c.issuer()).isEqualTo("runs-the-stream"));
        for (FleetCommand c : commands) {
            if (c.kind() != FleetCommand.Kind.RESUME) {
                assertThat(channel.acks(c.seq())).as("the other application drained and flipped when told: " + c)
                        .anySatisfy(a -> {
                            assertThat(a.member()).isEqualTo("serves-only");
                            assertThat(a.ok()).isTrue();
                        });
            }
        }
        assertThat(otherJdbc.queryForObject("SELECT count(*) FROM notes WHERE chars IS NULL AND body LIKE 'other %'",
                Long.class)).as("the other application's later writes went to green (no chars: not replicated)")
                .isPositive();
        // One read of green, not one per write: the writer runs unthrottled and acknowledges thousands.
        Map<Long, String> onGreen = new java.util.HashMap<>();
        for (List<String> row : green.rows("SELECT id, body FROM notes WHERE body LIKE 'other %'")) {
            onGreen.put(Long.parseLong(row.get(0)), row.get(1));
        }
        for (Map.Entry<Long, String> w : writer.done.entrySet()) {
            assertThat(onGreen.get(w.getKey())).as("acknowledged write %s of the other application is on green", w.getKey())
                    .isEqualTo(w.getValue());
        }
    }

    /** Writes notes through one application until told to stop, recording each acknowledged one. */
    private static final class Writer implements Runnable {
        private final JdbcTemplate jdbc;
        final Map<Long, String> done = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean stop;

        Writer(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public void run() {
            for (int i = 0; !stop; i++) {
                String body = "other " + i;
                try {
                    done.put(jdbc.queryForObject("INSERT INTO notes (body) VALUES (?) RETURNING id", Long.class, body), body);
                } catch (RuntimeException e) {
                    failures.add(body + ": " + e.getMessage());
                }
            }
        }
    }

    private ConfigurableApplicationContext boot(Map<String, String> extra) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", "0");
        p.put("cutover.name", "notes");
        p.put("cutover.tables", "notes");
        p.put("cutover.blue.url", blue.jdbcUrl());
        p.put("cutover.blue.user", PostgresServer.USER);
        p.put("cutover.green.url", green.jdbcUrl());
        p.put("cutover.green.user", PostgresServer.USER);
        p.put("cutover.budgets.total", "20s");
        p.put("cutover.budgets.drain", "2s");
        p.put("management.endpoints.web.exposure.include", "cutover,health");
        p.putAll(extra);
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(NotesApplication.class).properties(p).run();
        contexts.add(ctx);
        return ctx;
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    }

    private static void awaitStreaming(HttpTranscript http) {
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.poll("/actuator/cutover").get("state").asText(), "STREAMING"::equals);
    }
}
