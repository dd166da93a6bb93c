package io.cutover.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cutover.Side;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The Spring Boot example against two embedded PostgreSQL servers: requests keep creating users
 * while {@code POST /cutover} moves the application to green; every acknowledged user is then on
 * green, and a user created after the flip is written on green itself.
 */
@SpringBootTest(classes = {CutoverExampleApplication.class, SpringExampleIT.Servers.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SpringExampleIT {

    /** Stops the servers when the context closes, after the stream has stopped (lifecycle beans stop first). */
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


    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresServer blue;
    private static PostgresServer green;

    @LocalServerPort
    int port;

    @Autowired
    CutoverService cutovers;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void databases(DynamicPropertyRegistry registry) throws SQLException {
        ServerPair<PostgresServer> pair = PostgresServer.startPair();
        blue = pair.blue();
        green = pair.green();
        exec(blue.dataSource(), "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL)",
                "INSERT INTO users (name, email) SELECT 'user ' || g, 'user' || g || '@example.com' FROM generate_series(1, 2000) g");
        exec(green.dataSource(), "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL, phone text)");
        registry.add("cutover.blue.url", blue::jdbcUrl);
        registry.add("cutover.blue.user", () -> PostgresServer.USER);
        registry.add("cutover.blue.password", () -> PostgresServer.PASSWORD);
        registry.add("cutover.green.url", green::jdbcUrl);
        registry.add("cutover.green.user", () -> PostgresServer.USER);
        registry.add("cutover.green.password", () -> PostgresServer.PASSWORD);
    }

    @Test
    void cutoverEndpoint_movesTheRunningAppToGreen_withEveryAcknowledgedWrite() throws Exception {
        assertThat(get("/cutover").get("current").asText()).isEqualTo("blue");
        // start() returns while the initial copy runs; a cutover is refused until it streams.
        Awaitility.await().atMost(Duration.ofMinutes(2))
                .until(() -> get("/cutover").get("state").asText(), "STREAMING"::equals);
        long before = createUser("Ada Lovelace", "ada@example.com");

        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch someWritten = new CountDownLatch(20);
        Thread writer = new Thread(() -> {
            int n = 0;
            while (writing.get()) {
                try {
                    acknowledged.add(createUser("load " + n, "load" + n++ + "@example.com"));
                    someWritten.countDown();
                } catch (IOException | InterruptedException | AssertionError e) {
                    return;
                }
            }
        }, "http-writer");
        writer.start();
        assertThat(someWritten.await(30, TimeUnit.SECONDS)).isTrue();

        JsonNode result = post("/cutover");

        writing.set(false);
        writer.join();
        assertThat(result.get("outcome").asText()).isEqualTo("FLIPPED");
        assertThat(result.get("to").asText()).isEqualTo("green");
        assertThat(result.get("writePauseMillis").asDouble()).isPositive().isLessThan(5000);
        assertThat(cutovers.current()).isEqualTo(Side.GREEN);

        JdbcTemplate onGreen = new JdbcTemplate(green.dataSource());
        assertThat(onGreen.queryForObject("SELECT count(*) FROM users WHERE id <= 2000 AND phone IS NOT NULL", Long.class))
                .as("the seeded rows arrived through the v1 -> v2 transform").isEqualTo(2000L);
        assertThat(onGreen.queryForObject("SELECT phone FROM users WHERE id = ?", String.class, before))
                .isEqualTo(String.format("+1-555-%07d", before));
        List<Long> onGreenIds = onGreen.queryForList("SELECT id FROM users", Long.class);
        assertThat(onGreenIds).contains(before).containsAll(acknowledged);

        // The forward stream closed at the flip, so a row on green now was written on green.
        long after = createUser("Grace Hopper", "grace@example.com");
        Map<String, Object> row = onGreen.queryForMap("SELECT name, phone FROM users WHERE id = ?", after);
        assertThat(row.get("name")).isEqualTo("Grace Hopper");
        assertThat(row.get("phone")).as("written directly by the app, not through the transform").isNull();
        assertThat(after).as("green's sequence was moved past blue's").isGreaterThan(acknowledged.stream()
                .mapToLong(Long::longValue).max().orElse(before));
        assertThat(get("/users/" + after).get("email").asText()).isEqualTo("grace@example.com");
        assertThat(get("/cutover").get("stream").asText()).contains("green-to-blue");
    }

    private long createUser(String name, String email) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/users"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("name", name, "email", email))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asLong();
    }

    private JsonNode post(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static void exec(DataSource ds, String... sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
