package io.cutover.postgres;

import com.zaxxer.hikari.HikariConfig;
import io.cutover.testservers.PostgresServer;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One instance of a service, run in its own JVM by {@link FleetIT}: joins the fleet through its own
 * switcher and writes tagged rows into {@code fleet_rows}, printing {@code ACK <tag>} for each
 * committed write and {@code ERR <tag> <why>} for each refused one, until its standard input closes.
 *
 * <p>Arguments: fleet, blue port, green port, member id, the side its static configuration names.
 */
public final class FleetMemberMain {

    private FleetMemberMain() {
    }

    public static void main(String[] args) throws Exception {
        String fleet = args[0];
        int bluePort = Integer.parseInt(args[1]);
        int greenPort = Integer.parseInt(args[2]);
        String id = args[3];
        Side configured = Side.valueOf(args[4]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AtomicBoolean stop = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (r.readLine() != null) {
                    // nothing is sent; EOF means stop
                }
            } catch (java.io.IOException ignored) {
                // the parent went away: stop too
            }
            stop.set(true);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();

        try (HikariDataSource blue = pool(bluePort, id + "-blue");
                HikariDataSource green = pool(greenPort, id + "-green");
                FleetChannel channel = PostgresCutover.fleetChannel(fleet, admin(bluePort), admin(greenPort));
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green).startOn(configured)
                        .fleet(FleetMember.builder(channel).memberId(id).heartbeatInterval(Duration.ofMillis(100))
                                .staleAfter(Duration.ofSeconds(1)).coordinatorSilence(Duration.ofSeconds(3)))
                        .build()) {
            out.println("READY " + switcher.current());
            long n = 0;
            while (!stop.get()) {
                String tag = id + "-" + (n++);
                try (Connection c = switcher.getConnection();
                        PreparedStatement ps = c.prepareStatement("INSERT INTO fleet_rows (tag, member) VALUES (?, ?)")) {
                    ps.setString(1, tag);
                    ps.setString(2, id);
                    ps.executeUpdate();
                    out.println("ACK " + tag);
                } catch (SQLException | RuntimeException e) {
                    String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    out.println("ERR " + tag + " " + e.getClass().getSimpleName() + ": " + msg);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pace retries after a refusal
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a steady, modest write rate
            }
        }
        out.println("DONE");
        System.exit(0);
    }

    private static HikariDataSource pool(int port, String name) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:postgresql://localhost:" + port + "/" + PostgresServer.DATABASE);
        cfg.setUsername(PostgresServer.USER);
        cfg.setPassword(PostgresServer.PASSWORD);
        cfg.setMaximumPoolSize(3);
        cfg.setMinimumIdle(1);
        cfg.setPoolName(name);
        return new HikariDataSource(cfg);
    }

    static PGSimpleDataSource admin(int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        ds.setPassword(PostgresServer.PASSWORD);
        return ds;
    }
}
