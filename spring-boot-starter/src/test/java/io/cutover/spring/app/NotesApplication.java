package io.cutover.spring.app;

import io.cutover.Row;
import io.cutover.spring.CutoverTransform;
import io.cutover.transform.Transforms;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small application that knows nothing of Cutover but its transform: it writes notes with
 * Boot's {@link JdbcTemplate}, which the starter has put on the switcher. Green's {@code notes}
 * has one more column, {@code chars}, filled by the transform as rows are replicated.
 */
@SpringBootApplication
public class NotesApplication {

    /**
     * Starts the application.
     *
     * @param args Spring Boot arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(NotesApplication.class, args);
    }

    /**
     * v1 (blue) to v2 (green): {@code chars} computed from {@code body}; the way back drops it.
     *
     * @return the transform of {@code notes}
     */
    @Bean
    CutoverTransform notesTransform() {
        return CutoverTransform.of(Transforms.forTable("notes").key("id").addComputedColumn("chars", NotesApplication::chars)
                .build());
    }

    static Object chars(Row row) {
        Object body = row.get("body");
        return body == null ? null : ((String) body).length();
    }

    /** The application's endpoints. */
    @RestController
    static class Notes {
        private final JdbcTemplate jdbc;

        Notes(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        record NewNote(String body) {
        }

        @PostMapping("/notes")
        @ResponseStatus(HttpStatus.CREATED)
        Map<String, Long> create(@RequestBody NewNote note) {
            return Map.of("id", jdbc.queryForObject("INSERT INTO notes (body) VALUES (?) RETURNING id", Long.class, note.body()));
        }

        @GetMapping("/notes/{id}")
        Map<String, Object> read(@PathVariable long id) {
            return jdbc.queryForMap("SELECT id, body FROM notes WHERE id = ?", id);
        }
    }
}
