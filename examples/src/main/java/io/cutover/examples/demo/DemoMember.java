package io.cutover.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.Side;
import io.cutover.WritePauser;
import io.cutover.spi.FleetChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * An extra instance of the demo's service, in its own JVM (started by {@link DemoFleet} for
 * {@code --instances N}): its own pools, its own {@link ConnectionSwitcher} joined to the demo's
 * fleet, its own writers on its own ids. It answers commands on standard input, one per line:
 * {@code STOP} stops its writers, writes what it acknowledged to its model file and prints
 * {@link InstanceReport#line()}; {@code START} starts them again and prints {@code STARTED};
 * {@code EXIT} or the end of input stops it. It prints {@code READY <side>} once it writes.
 *
 * <p>Arguments: {@code instance fleet blueUrl greenUrl table writers rate modelFile}; users and
 * passwords come from the environment, as for the demo's real-server flags.
 */
public final class DemoMember {

    /** Ids of instance {@code k} start at {@code k * ID_SPACING}, so instances never share a row. */
    static final long ID_SPACING = 1_000_000_000L;

    private DemoMember() {
    }

    /**
     * Runs the instance until its input ends; exits 0, or 1 if it could not start.
     *
     * @param args see the class comment
     * @throws Exception if it cannot join or write
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: DemoMember instance fleet blueUrl greenUrl table writers rate modelFile");
            System.exit(1);
        }
        int instance = Integer.parseInt(args[0]);
        String fleet = args[1];
        String blueUrl = args[2];
        String greenUrl = args[3];
        int writers = Integer.parseInt(args[5]);
        int rate = Integer.parseInt(args[6]);
        Path modelFile = Path.of(args[7]);
        Map<String, String> env = System.getenv();
        String name = DemoFleet.instanceName(instance);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Dialect dialect = Dialect.of(blueUrl);
        TimedPauser pauser = new TimedPauser(WritePauser.builder().name(name).maxWaitWhilePaused(Duration.ofSeconds(5)).build());
        try (HikariDataSource blue = DemoDatabases.pool(name + "-blue", blueUrl, need(env, DemoOptions.BLUE_USER),
                        need(env, DemoOptions.BLUE_PASSWORD), writers + 2);
                HikariDataSource green = DemoDatabases.pool(name + "-green", greenUrl, need(env, DemoOptions.GREEN_USER),
                        need(env, DemoOptions.GREEN_PASSWORD), writers + 2);
                HikariDataSource blueControl = DemoDatabases.pool(name + "-blue-fleet", blueUrl, need(env, DemoOptions.BLUE_USER),
                        need(env, DemoOptions.BLUE_PASSWORD), 3);
                HikariDataSource greenControl = DemoDatabases.pool(name + "-green-fleet", greenUrl,
                        need(env, DemoOptions.GREEN_USER), need(env, DemoOptions.GREEN_PASSWORD), 3);
                FleetChannel channel = DemoFleet.channel(dialect, fleet, blueControl, greenControl);
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green).pauser(pauser)
                        .fleet(FleetMember.builder(channel).memberId(name)).build()) {
            UserModel model = new UserModel();
            WriteLoad load = new WriteLoad(switcher, new UsersTable(args[4], dialect), model, writers, rate,
                    instance * ID_SPACING);
            load.start();
            out.println("READY " + switcher.current());
            long slowest = 0;
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !"EXIT".equals(line.trim()); line = in.readLine()) {
                switch (line.trim()) {
                    case "STOP" -> {
                        load.stop();
                        model.writeTo(modelFile);
                        slowest = Math.max(slowest, load.takeSlowestMillis());
                        out.println(new InstanceReport(name, ProcessHandle.current().pid(), load.acknowledged(),
                                load.acknowledgedOnGreen(), load.failed(), pauser.pauses(), slowest).line());
                    }
                    case "START" -> {
                        load.start();
                        out.println("STARTED " + switcher.current());
                    }
                    default -> System.err.println(name + ": unknown command '" + line + "'");
                }
            }
            load.stop();
        }
        System.exit(0);
    }

    private static String need(Map<String, String> env, String variable) {
        String v = env.get(variable);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("set the environment variable " + variable);
        }
        return v;
    }

    /** The environment a member needs: the credentials, under the demo's variable names. */
    static Map<String, String> environment(DemoOptions options) {
        Map<String, String> env = new HashMap<>();
        env.put(DemoOptions.BLUE_USER, options.blueUser());
        env.put(DemoOptions.BLUE_PASSWORD, options.bluePassword());
        env.put(DemoOptions.GREEN_USER, options.greenUser());
        env.put(DemoOptions.GREEN_PASSWORD, options.greenPassword());
        return env;
    }
}
