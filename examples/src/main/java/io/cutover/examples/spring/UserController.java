package io.cutover.examples.spring;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application's own endpoints. Plain {@link JdbcTemplate} code, unaware of Cutover: the
 * template sits on the switcher, so its writes go to whichever side is current.
 */
@RestController
public class UserController {

    private final JdbcTemplate jdbc;
    private final String table;

    /**
     * Creates the controller.
     *
     * @param jdbc Spring Boot's template, built on the switcher
     * @param props for the table's name
     */
    public UserController(JdbcTemplate jdbc, CutoverProperties props) {
        this.jdbc = jdbc;
        this.table = props.table();
    }

    /**
     * A new user to create.
     *
     * @param name the name
     * @param email the email
     */
    public record NewUser(String name, String email) {
    }

    /**
     * Creates a user.
     *
     * @param user name and email
     * @return the new id
     */
    @PostMapping("/users")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Long> create(@RequestBody NewUser user) {
        Long id = jdbc.queryForObject("INSERT INTO " + table + " (name, email) VALUES (?, ?) RETURNING id", Long.class,
                user.name(), user.email());
        return Map.of("id", id);
    }

    /**
     * Reads a user.
     *
     * @param id the id
     * @return its columns
     */
    @GetMapping("/users/{id}")
    public Map<String, Object> read(@PathVariable("id") long id) {
        return jdbc.queryForMap("SELECT id, name, email FROM " + table + " WHERE id = ?", id);
    }
}
