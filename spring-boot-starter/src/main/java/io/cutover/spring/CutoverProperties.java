package io.cutover.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The starter's settings, {@code cutover.*}: the two databases, the tables replicated between
 * them, the dialect, the budgets of a cutover, and whether the stream starts with the
 * application.
 *
 * <p><b>Passwords</b> ({@code cutover.blue.password}, {@code cutover.green.password}) are secrets:
 * {@link Database#toString()} leaves them out, nothing in the starter logs them, and the
 * {@code cutover} endpoint never shows them (nor the URLs, which may carry credentials). Bind
 * them from the environment ({@code CUTOVER_BLUE_PASSWORD}) or a secret store, not from a file
 * in the repository. Actuator's {@code configprops} endpoint masks them as it masks every key
 * named {@code password}.
 *
 * <p>A mutable bean, as Spring binds it; not thread-safe, read once when the context starts.
 */
@ConfigurationProperties(prefix = "cutover")
public class CutoverProperties {

    /** Whether the starter configures anything at all. */
    private boolean enabled = true;

    /**
     * The cutover's name: replication slots, publications and control rows are named after it.
     * Two applications cutting over on the same servers need different names.
     */
    private String name = "cutover";

    /** The dialect; inferred from blue's URL (jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb:) when not set. */
    private Dialect dialect;

    /** The database the application uses at start. */
    private final Database blue = new Database();

    /** The database the application moves to. */
    private final Database green = new Database();

    /** Tables to replicate, as blue names them; each needs a primary key on both sides. */
    private List<String> tables = new ArrayList<>();

    /** Whether the blue-to-green stream starts with the application context (and stops with it). */
    private boolean startOnBoot = true;

    /** Whether the stream first copies blue's existing rows to green; off when green is pre-seeded. */
    private boolean initialCopy = true;

    /** The budgets of one cutover or rollback. */
    private final Budgets budgets = new Budgets();

    /** Whether and how the application's instances form a fleet. */
    private final CutoverFleetProperties fleet = new CutoverFleetProperties();

    /**
     * Returns whether the starter configures anything.
     *
     * @return true unless {@code cutover.enabled=false}
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the starter configures anything.
     *
     * @param enabled false to turn the starter off
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Returns the cutover's name.
     *
     * @return the name
     */
    public String getName() {
        return name;
    }

    /**
     * Sets the cutover's name.
     *
     * @param name the name; the dialect says what it accepts
     */
    public void setName(String name) {
        this.name = name;
    }

    /**
     * Returns the dialect set, or null to infer it from blue's URL.
     *
     * @return the dialect, or null
     */
    public Dialect getDialect() {
        return dialect;
    }

    /**
     * Sets the dialect.
     *
     * @param dialect postgres or mysql (MySQL and MariaDB); null to infer it
     */
    public void setDialect(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Returns the blue database's settings.
     *
     * @return blue, never null
     */
    public Database getBlue() {
        return blue;
    }

    /**
     * Returns the green database's settings.
     *
     * @return green, never null
     */
    public Database getGreen() {
        return green;
    }

    /**
     * Returns the tables replicated.
     *
     * @return the tables, as blue names them
     */
    public List<String> getTables() {
        return tables;
    }

    /**
     * Sets the tables replicated.
     *
     * @param tables the tables, as blue names them
     */
    public void setTables(List<String> tables) {
        this.tables = new ArrayList<>(tables);
    }

    /**
     * Returns whether the stream starts with the context.
     *
     * @return true by default
     */
    public boolean isStartOnBoot() {
        return startOnBoot;
    }

    /**
     * Sets whether the stream starts with the context. When false, nothing connects to the
     * databases' replication until {@link CutoverOperations#start()}.
     *
     * @param startOnBoot whether to start it
     */
    public void setStartOnBoot(boolean startOnBoot) {
        this.startOnBoot = startOnBoot;
    }

    /**
     * Returns whether the stream first copies blue's rows.
     *
     * @return true by default
     */
    public boolean isInitialCopy() {
        return initialCopy;
    }

    /**
     * Sets whether the stream first copies blue's rows.
     *
     * @param initialCopy false when green is already seeded
     */
    public void setInitialCopy(boolean initialCopy) {
        this.initialCopy = initialCopy;
    }

    /**
     * Returns the budgets.
     *
     * @return the budgets, never null
     */
    public Budgets getBudgets() {
        return budgets;
    }

    /**
     * Returns the fleet's settings, {@code cutover.fleet.*}.
     *
     * @return the fleet's settings, never null
     */
    @NestedConfigurationProperty
    public CutoverFleetProperties getFleet() {
        return fleet;
    }

    /**
     * Returns the dialect set or, if none, the one blue's URL names.
     *
     * @return the dialect
     * @throws IllegalStateException if none is set and blue's URL names no known dialect
     */
    public Dialect effectiveDialect() {
        return dialect != null ? dialect : Dialect.fromUrl(blue.getUrl());
    }

    /** One database: where it is and whom Cutover and the application log in as there. */
    public static class Database {

        /** JDBC URL, without credentials: jdbc:postgresql://host:port/db, jdbc:mysql://... or jdbc:mariadb://... */
        private String url;

        /** The user; it needs the dialect's replication privileges (REPLICATION on PostgreSQL). */
        private String user;

        /** The password. Secret: never logged and never shown by the cutover endpoint. */
        private String password;

        /** Largest number of connections in the pool the starter builds for this side. */
        private int maximumPoolSize = 10;

        /**
         * Returns the JDBC URL.
         *
         * @return the URL, or null if not set
         */
        public String getUrl() {
            return url;
        }

        /**
         * Sets the JDBC URL.
         *
         * @param url the URL, without credentials
         */
        public void setUrl(String url) {
            this.url = url;
        }

        /**
         * Returns the user.
         *
         * @return the user, or null if not set
         */
        public String getUser() {
            return user;
        }

        /**
         * Sets the user.
         *
         * @param user the user
         */
        public void setUser(String user) {
            this.user = user;
        }

        /**
         * Returns the password. Secret: do not log it.
         *
         * @return the password, or null if not set
         */
        public String getPassword() {
            return password;
        }

        /**
         * Sets the password.
         *
         * @param password the password
         */
        public void setPassword(String password) {
            this.password = password;
        }

        /**
         * Returns the pool's size.
         *
         * @return the largest number of connections
         */
        public int getMaximumPoolSize() {
            return maximumPoolSize;
        }

        /**
         * Sets the pool's size.
         *
         * @param maximumPoolSize the largest number of connections, 1 or more
         */
        public void setMaximumPoolSize(int maximumPoolSize) {
            this.maximumPoolSize = maximumPoolSize;
        }

        /** Leaves the password out, and the URL's parameters (they may hold credentials). */
        @Override
        public String toString() {
            return "Database[url=" + JdbcUrls.withoutParameters(url) + ", user=" + user + ", password="
                    + (password == null ? "(none)" : "(set)") + "]";
        }
    }

    /** How long a cutover may take, phase by phase. */
    public static class Budgets {

        /** How long writes in flight may take to finish once writes are paused. */
        private Duration drain = Duration.ofMillis(500);

        /** How long the stream may take to apply the fence (prove the target has caught up). */
        private Duration catchUp = Duration.ofSeconds(5);

        /** The longest writes may stay paused; past it, before the flip, the cutover aborts and resumes writes. */
        private Duration total = Duration.ofSeconds(10);

        /**
         * Returns the drain budget.
         *
         * @return the budget
         */
        public Duration getDrain() {
            return drain;
        }

        /**
         * Sets the drain budget.
         *
         * @param drain positive
         */
        public void setDrain(Duration drain) {
            this.drain = drain;
        }

        /**
         * Returns the catch-up budget.
         *
         * @return the budget
         */
        public Duration getCatchUp() {
            return catchUp;
        }

        /**
         * Sets the catch-up budget.
         *
         * @param catchUp positive
         */
        public void setCatchUp(Duration catchUp) {
            this.catchUp = catchUp;
        }

        /**
         * Returns the total budget.
         *
         * @return the budget
         */
        public Duration getTotal() {
            return total;
        }

        /**
         * Sets the total budget.
         *
         * @param total positive, at least the drain budget
         */
        public void setTotal(Duration total) {
            this.total = total;
        }
    }
}
