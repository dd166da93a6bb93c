package io.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends HTTP requests to the application under test and keeps each exchange, request and
 * response, as a transcript logged at INFO and written to a file.
 */
final class HttpTranscript {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTranscript.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final StringBuilder transcript = new StringBuilder();
    private final int port;

    HttpTranscript(int port) {
        this.port = port;
    }

    /** Sends a GET, records it, and checks the status. */
    JsonNode get(String path, int expectedStatus) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build(), "GET " + path, expectedStatus, true);
    }

    /** Sends a GET without recording it (for polling). */
    JsonNode poll(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build(), "GET " + path, 200, false);
    }

    /** Sends a POST with an optional JSON body, records it, and checks the status. */
    JsonNode post(String path, String jsonBody, int expectedStatus) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (jsonBody == null) {
            b.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        return send(b.build(), "POST " + path + (jsonBody == null ? "" : " " + jsonBody), expectedStatus, true);
    }

    /** Adds a line of narration to the transcript. */
    void note(String text) {
        transcript.append("# ").append(text).append('\n');
        LOG.info("# {}", text);
    }

    String text() {
        return transcript.toString();
    }

    void writeTo(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, transcript);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode send(HttpRequest request, String line, int expectedStatus, boolean record) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        JsonNode body;
        try {
            body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(line + " answered " + r.statusCode() + " with a body that is not JSON: " + r.body(), e);
        }
        if (record) {
            String exchange = "> " + line + "\n< " + r.statusCode() + "\n" + body.toPrettyString() + "\n\n";
            transcript.append(exchange);
            LOG.info("HTTP exchange\n{}", exchange);
        }
        assertThat(r.statusCode()).as("%s answered %s", line, r.body()).isEqualTo(expectedStatus);
        return body;
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
