package io.cutover.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.Side;
import io.cutover.postgres.PostgresCutover;
import io.cutover.spi.FleetChannel;
import io.cutover.testservers.PostgresServer;
import java.time.Duration;
import java.util.Locale;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One instance of a service in {@link FleetPauseBench}, in its own JVM: a switcher over two HikariCP
 * pools that joins the fleet, and its share of the paced write load. Prints {@value #JOINED} once
 * it is a member and runs until its standard input closes; then it stops writing, leaves the
 * fleet and exits.
 *
 * <p>Arguments: fleet, blue JDBC URL, green JDBC URL, member id, the side to start on, table, rows,
 * tx/s, writer threads.
 */
public final class FleetBenchMember {
    /** The line a member prints once it has joined. */
    static final String JOINED = "fleet-member-joined";

    private FleetBenchMember() {
    }

    /**
     * Runs one member.
     *
     * @param args see the class comment
     * @throws Exception if the member cannot start
     */
    public static void main(String[] args) throws Exception {
        String fleet = args[0];
        String id = args[3];
        try (HikariDataSource blue = pool(args[1], id + "-blue");
                HikariDataSource green = pool(args[2], id + "-green");
                FleetChannel channel = channel(fleet, args[1], args[2]);
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green)
                        .startOn(Side.valueOf(args[4])).fleet(member(channel, id)).build();
                SteadyLoad load = SteadyLoad.start(switcher, args[5], Long.parseLong(args[6]), Integer.parseInt(args[8]),
                        Integer.parseInt(args[7]))) {
            System.out.println(JOINED);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the coordinator closes our input to stop us
            }
        }
        System.exit(0);
    }

    /** How every member of the benchmark's fleet, the coordinator too, joins. */
    static FleetMember.Builder member(FleetChannel channel, String id) {
        return FleetMember.builder(channel).memberId(id).heartbeatInterval(Duration.ofMillis(200))
                .staleAfter(Duration.ofSeconds(2)).coordinatorSilence(Duration.ofSeconds(5));
    }

    static FleetChannel channel(String fleet, String blueUrl, String greenUrl) {
        return PostgresCutover.fleetChannel(fleet, admin(blueUrl), admin(greenUrl));
    }

    private static PGSimpleDataSource admin(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    private static HikariDataSource pool(String url, String name) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(PostgresServer.USER);
        c.setPassword(PostgresServer.PASSWORD);
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(2);
        c.setPoolName(name.toLowerCase(Locale.ROOT));
        return new HikariDataSource(c);
    }
}
