package io.cutover.examples.demo;

import io.cutover.testservers.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the demo runs against and how hard it pushes. Without URLs it starts two embedded PostgreSQL
 * servers; with {@code --blue-url} and {@code --green-url} it uses real servers, taking users and
 * passwords from the environment only ({@value #BLUE_USER}, {@value #BLUE_PASSWORD},
 * {@value #GREEN_USER}, {@value #GREEN_PASSWORD}) so they never appear on a command line.
 *
 * @param blueUrl blue's JDBC URL without credentials, or null for embedded servers
 * @param greenUrl green's JDBC URL without credentials, or null for embedded servers
 * @param blueUser blue's user (from the environment, or the embedded superuser)
 * @param bluePassword blue's password; never printed
 * @param greenUser green's user
 * @param greenPassword green's password; never printed
 * @param table the table the demo creates (dropped first if it exists)
 * @param rows rows seeded on blue before the stream starts
 * @param writers writer threads
 * @param rate total writes per second the writers aim for; 0 for as fast as they can
 * @param cutovers round trips, each a cutover to green and a rollback to blue
 * @param phase how long the load runs between steps (before each cutover and after it)
 * @param report where the HTML report goes
 * @param instances instances of the service: this JVM coordinates, the others are member processes
 *     with their own switcher, pools and writers ({@code writers} and {@code rate} are per instance)
 */
public record DemoOptions(String blueUrl, String greenUrl, String blueUser, String bluePassword, String greenUser,
        String greenPassword, String table, int rows, int writers, int rate, int cutovers, Duration phase,
        Path report, int instances) {

    /** The most instances the demo starts (each is a JVM on this machine). */
    public static final int MAX_INSTANCES = 16;

    /** Environment variable with blue's user. */
    public static final String BLUE_USER = "CUTOVER_BLUE_USER";
    /** Environment variable with blue's password. */
    public static final String BLUE_PASSWORD = "CUTOVER_BLUE_PASSWORD";
    /** Environment variable with green's user. */
    public static final String GREEN_USER = "CUTOVER_GREEN_USER";
    /** Environment variable with green's password. */
    public static final String GREEN_PASSWORD = "CUTOVER_GREEN_PASSWORD";

    /** The help text. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "Cutover demo: a small service writing continuously is moved from blue to green and back.",
            "",
            "  --rows N          rows seeded on blue (default 10000)",
            "  --writers N       writer threads per instance (default 4)",
            "  --rate N          writes per second per instance, 0 = as fast as possible (default 400)",
            "  --instances N     instances of the service (default 1): this one coordinates the cutover, the",
            "                    other N-1 are separate JVMs, each with its own switcher in the same fleet;",
            "                    all pause and flip together (1 to " + MAX_INSTANCES + ")",
            "  --cutovers N      round trips blue -> green -> blue (default 1)",
            "  --seconds N       seconds of load between steps (default 3)",
            "  --report FILE     the HTML report (default target/cutover-demo-report.html)",
            "  --blue-url URL    a real blue server instead of an embedded one: jdbc:postgresql://host:port/db,",
            "                    jdbc:mysql://host:port/db or jdbc:mariadb://host:port/db",
            "  --green-url URL   a real green server; both URLs or neither",
            "  --table NAME      the table to (re)create on real servers (default cutover_demo_users)",
            "",
            "With real servers, users and passwords come from the environment:",
            "  " + BLUE_USER + ", " + BLUE_PASSWORD + ", " + GREEN_USER + ", " + GREEN_PASSWORD,
            "The demo DROPS and recreates its table on both servers: point it at scratch databases.");

    /**
     * Validates.
     *
     * @param blueUrl see the record component
     * @param greenUrl see the record component
     * @param blueUser see the record component
     * @param bluePassword see the record component
     * @param greenUser see the record component
     * @param greenPassword see the record component
     * @param table see the record component
     * @param rows see the record component
     * @param writers see the record component
     * @param rate see the record component
     * @param cutovers see the record component
     * @param phase see the record component
     * @param report see the record component
     * @param instances see the record component
     * @throws IllegalArgumentException if a number is out of range or only one URL is given
     */
    public DemoOptions {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(report, "report");
        if ((blueUrl == null) != (greenUrl == null)) {
            throw new IllegalArgumentException("give both --blue-url and --green-url, or neither for embedded servers");
        }
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("--table must be a plain identifier, was '" + table + "'");
        }
        if (rows < 0 || writers < 1 || rate < 0 || cutovers < 1 || phase.isNegative()) {
            throw new IllegalArgumentException("need rows >= 0, writers >= 1, rate >= 0, cutovers >= 1, seconds >= 0;"
                    + " got rows=" + rows + " writers=" + writers + " rate=" + rate + " cutovers=" + cutovers
                    + " seconds=" + phase.toSeconds());
        }
        if (instances < 1 || instances > MAX_INSTANCES) {
            throw new IllegalArgumentException("--instances must be 1 to " + MAX_INSTANCES + " (each is a JVM), was "
                    + instances);
        }
    }

    /**
     * The defaults: embedded servers, 10,000 rows, 4 writers at 400 writes/s, one round trip.
     *
     * @return the default options
     */
    public static DemoOptions defaults() {
        return new DemoOptions(null, null, PostgresServer.USER, PostgresServer.PASSWORD, PostgresServer.USER,
                PostgresServer.PASSWORD, "users", 10_000, 4, 400, 1, Duration.ofSeconds(3),
                Path.of(System.getProperty("cutover.demo.reportDir", "target"), "cutover-demo-report.html"), 1);
    }

    /**
     * Tells whether the demo starts its own servers.
     *
     * @return true without URLs
     */
    public boolean embedded() {
        return blueUrl == null;
    }

    /**
     * Parses command-line flags over the defaults.
     *
     * @param args the flags
     * @param env the environment, for users and passwords
     * @return the options
     * @throws IllegalArgumentException for an unknown flag, a missing value, or a missing variable
     */
    public static DemoOptions parse(String[] args, Map<String, String> env) {
        DemoOptions d = defaults();
        String blueUrl = null;
        String greenUrl = null;
        String table = null;
        int rows = d.rows;
        int writers = d.writers;
        int rate = d.rate;
        int cutovers = d.cutovers;
        Duration phase = d.phase;
        Path report = d.report;
        int instances = d.instances;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.isBlank()) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + flag + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--blue-url" -> blueUrl = value;
                case "--green-url" -> greenUrl = value;
                case "--table" -> table = value;
                case "--rows" -> rows = number(flag, value);
                case "--writers" -> writers = number(flag, value);
                case "--rate" -> rate = number(flag, value);
                case "--cutovers" -> cutovers = number(flag, value);
                case "--seconds" -> phase = Duration.ofSeconds(number(flag, value));
                case "--report" -> report = Path.of(value);
                case "--instances" -> instances = number(flag, value);
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            }
        }
        if (blueUrl == null && greenUrl == null) {
            return new DemoOptions(null, null, d.blueUser, d.bluePassword, d.greenUser, d.greenPassword,
                    table == null ? d.table : table, rows, writers, rate, cutovers, phase, report, instances);
        }
        return new DemoOptions(blueUrl, greenUrl, env(env, BLUE_USER), env(env, BLUE_PASSWORD), env(env, GREEN_USER),
                env(env, GREEN_PASSWORD), table == null ? "cutover_demo_users" : table, rows, writers, rate, cutovers,
                phase, report, instances);
    }

    private static String env(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("with --blue-url/--green-url, set the environment variable " + name);
        }
        return v;
    }

    private static int number(String flag, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'", e);
        }
    }

    /** Leaves the passwords out, so options can be logged. */
    @Override
    public String toString() {
        return "DemoOptions[" + (embedded() ? "embedded PostgreSQL" : "blue " + UrlText.withoutSecrets(blueUrl)
                + ", green " + UrlText.withoutSecrets(greenUrl)) + ", table " + table + ", rows " + rows + ", writers "
                + writers + ", rate " + rate + "/s" + (instances > 1 ? " per instance, instances " + instances : "")
                + ", cutovers " + cutovers + ", phase " + phase.toSeconds() + " s]";
    }

    /**
     * Returns a copy with other sizes, for tests and quick runs.
     *
     * @param rows rows seeded
     * @param rate writes per second
     * @param phase load between steps
     * @param report the report's path
     * @return the copy
     */
    public DemoOptions resized(int rows, int rate, Duration phase, Path report) {
        return new DemoOptions(blueUrl, greenUrl, blueUser, bluePassword, greenUser, greenPassword, table, rows, writers,
                rate, cutovers, phase, report, instances);
    }

    /**
     * Returns a copy with another number of instances.
     *
     * @param n instances, 1 to {@link #MAX_INSTANCES}
     * @return the copy
     * @throws IllegalArgumentException if n is out of range
     */
    public DemoOptions withInstances(int n) {
        return new DemoOptions(blueUrl, greenUrl, blueUser, bluePassword, greenUser, greenPassword, table, rows, writers,
                rate, cutovers, phase, report, n);
    }
}
