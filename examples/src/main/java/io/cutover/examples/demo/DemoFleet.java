package io.cutover.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.FleetMember;
import io.cutover.Side;
import io.cutover.mysql.MySqlCutover;
import io.cutover.postgres.PostgresCutover;
import io.cutover.spi.FleetChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's service as a fleet for {@code --instances N}: the channel the coordinating instance
 * (this JVM, {@code instance-0}) joins through, and N-1 {@link DemoMember} processes, each with its
 * own switcher in the same fleet. Stops and starts their writers around each verification and
 * collects what they acknowledged. Closing stops the processes (and kills any that linger); a
 * shutdown hook kills them if this JVM ends first. Not thread-safe.
 */
final class DemoFleet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoFleet.class);
    private static final Duration ANSWER = Duration.ofSeconds(60);

    private final String name;
    private final HikariDataSource blueControl;
    private final HikariDataSource greenControl;
    private final FleetChannel channel;
    private final List<MemberProcess> members = new ArrayList<>();
    private final List<Path> models = new ArrayList<>();
    private final List<InstanceReport> reports = new ArrayList<>();
    private final Thread killOnExit;

    private DemoFleet(String name, DemoOptions options, DemoDatabases db) {
        this.name = name;
        this.blueControl = DemoDatabases.pool("fleet-blue", db.url(Side.BLUE), options.blueUser(), options.bluePassword(), 3);
        this.greenControl = DemoDatabases.pool("fleet-green", db.url(Side.GREEN), options.greenUser(), options.greenPassword(), 3);
        this.channel = channel(db.dialect(), name, blueControl, greenControl);
        this.killOnExit = new Thread(() -> members.forEach(MemberProcess::kill), "demo-fleet-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Opens the fleet and starts {@code options.instances() - 1} member processes writing; returns
     * once every one of them writes.
     *
     * @throws IOException if a member does not start; the ones started are killed
     */
    static DemoFleet start(DemoOptions options, DemoDatabases db, String table, PrintStream out) throws IOException {
        DemoFleet fleet = new DemoFleet("demo_" + ProcessHandle.current().pid(), options, db);
        try {
            Path dir = options.report().toAbsolutePath().getParent();
            Files.createDirectories(dir);
            for (int i = 1; i < options.instances(); i++) {
                String instance = instanceName(i);
                Path model = dir.resolve("cutover-demo-" + instance + ".model");
                Files.deleteIfExists(model);
                List<String> args = List.of(String.valueOf(i), fleet.name, db.url(Side.BLUE), db.url(Side.GREEN), table,
                        String.valueOf(options.writers()), String.valueOf(options.rate()), model.toString());
                fleet.members.add(MemberProcess.launch(instance, args, DemoMember.environment(options),
                        dir.resolve("cutover-demo-" + instance + ".log")));
                fleet.models.add(model);
            }
            for (MemberProcess m : fleet.members) {
                String ready = m.await("READY", ANSWER);
                out.printf("  %s  pid %-7d writing to %s through its own switcher in fleet '%s' (log: %s)%n", m.name(),
                        m.pid(), ready.substring("READY ".length()), fleet.name, m.log().getFileName());
            }
            return fleet;
        } catch (IOException | RuntimeException e) {
            fleet.members.forEach(MemberProcess::kill);
            fleet.close();
            throw e;
        }
    }

    /** The fleet channel of the demo's dialect over two small pools. */
    static FleetChannel channel(Dialect dialect, String fleet, DataSource blue, DataSource green) {
        return dialect == Dialect.MYSQL ? MySqlCutover.fleetChannel(fleet, blue, green)
                : PostgresCutover.fleetChannel(fleet, blue, green);
    }

    static String instanceName(int index) {
        return "instance-" + index;
    }

    /** How the coordinating instance joins. */
    FleetMember.Builder coordinator() {
        return FleetMember.builder(channel).memberId(instanceName(0));
    }

    int size() {
        return members.size();
    }

    /** Stops every member's writers and takes their reports; their models can then be read. */
    void stopWriters() throws IOException {
        for (MemberProcess m : members) {
            m.send("STOP");
        }
        reports.clear();
        for (MemberProcess m : members) {
            reports.add(InstanceReport.parse(m.name(), m.pid(), m.await("STOPPED", ANSWER)));
        }
    }

    /** Starts every member's writers again. */
    void startWriters() throws IOException {
        for (MemberProcess m : members) {
            m.send("START");
        }
        for (MemberProcess m : members) {
            m.await("STARTED", ANSWER);
        }
    }

    /** The coordinator's acknowledged writes plus every member's, as of the last {@link #stopWriters()}. */
    UserModel withMembers(UserModel own) throws IOException {
        UserModel all = new UserModel();
        all.addAll(own);
        for (Path model : models) {
            all.addAll(UserModel.readFrom(model));
        }
        return all;
    }

    /** The members' reports as of the last {@link #stopWriters()}. */
    List<InstanceReport> reports() {
        return List.copyOf(reports);
    }

    @Override
    public void close() {
        for (MemberProcess m : members) {
            m.stop(Duration.ofSeconds(15));
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            channel.close();
        } catch (RuntimeException e) {
            LOG.warn("closing fleet '{}' failed: {}", name, e.getMessage());
        }
        blueControl.close();
        greenControl.close();
        for (Path model : models) {
            try {
                Files.deleteIfExists(model);
            } catch (IOException e) {
                LOG.debug("could not delete {}: {}", model, e.getMessage());
            }
        }
    }
}
