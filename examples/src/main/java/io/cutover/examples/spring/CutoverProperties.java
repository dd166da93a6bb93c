package io.cutover.examples.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The example's settings, {@code cutover.*}: the two databases, the table moved between them, and
 * the budgets of a cutover. Passwords are bound from the environment or arguments and never
 * logged ({@link Database#toString()} leaves them out).
 *
 * @param name the cutover's name (replication slots are named after it)
 * @param table the table replicated, v1 on blue and v2 (with {@code phone}) on green
 * @param blue the database in use at start
 * @param green the database to move to
 * @param drainBudget how long writes in flight may take to finish once paused
 * @param totalBudget the longest writes may stay paused before the cutover gives up
 */
@ConfigurationProperties("cutover")
public record CutoverProperties(@DefaultValue("spring") String name, @DefaultValue("users") String table,
        Database blue, Database green, @DefaultValue("500ms") Duration drainBudget,
        @DefaultValue("5s") Duration totalBudget) {

    /**
     * One database.
     *
     * @param url JDBC URL without credentials
     * @param user the user; needs REPLICATION for the stream
     * @param password the password
     */
    public record Database(String url, String user, String password) {
        /** Leaves the password out. */
        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + "]";
        }
    }
}
