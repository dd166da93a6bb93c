package io.cutover.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.Side;
import io.cutover.scenario.FleetMemberLoop;
import io.cutover.spi.FleetChannel;
import io.cutover.testservers.MariaDbServer;
import java.time.Duration;

/**
 * One instance of a service on MariaDB, run in its own JVM by {@link MariaDbFleetIT}: Hikari pools
 * of the application's account on both sides, a switcher that joins the fleet through a channel of
 * the cutover account (it writes through read_only), and {@link FleetMemberLoop}'s writes.
 *
 * <p>Arguments: fleet, table, blue port, green port, database, member id, the side its static configuration names,
 * and optionally {@value FleetMemberLoop#JOIN_ON_SIGNAL}.
 */
public final class MariaDbFleetMember {

    /** The scenario's insert: the server fills in its port and its clock. */
    static String insert(String table) {
        return "INSERT INTO " + table + " (tag, member, origin, written_ms)"
                + " VALUES (?, ?, @@port, ROUND(UNIX_TIMESTAMP(NOW(6)) * 1000))";
    }

    /** The scenario's table: tag (primary key), member, origin (the server's port), written_ms (its clock). */
    static String createTable(String table) {
        return "CREATE TABLE " + table + " (tag VARCHAR(100) PRIMARY KEY, member VARCHAR(50) NOT NULL,"
                + " origin INT NOT NULL, written_ms BIGINT NOT NULL)";
    }

    private MariaDbFleetMember() {
    }

    public static void main(String[] args) throws Exception {
        String fleet = args[0];
        String table = args[1];
        int bluePort = Integer.parseInt(args[2]);
        int greenPort = Integer.parseInt(args[3]);
        String db = args[4];
        String id = args[5];
        if (args.length > 7 && FleetMemberLoop.JOIN_ON_SIGNAL.equals(args[7])) {
            FleetMemberLoop.awaitJoinSignal();
        }
        try (HikariDataSource blue = pool(bluePort, db, id + "-blue");
                HikariDataSource green = pool(greenPort, db, id + "-green");
                FleetChannel channel = channel(fleet, bluePort, greenPort, db);
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green).startOn(Side.valueOf(args[6]))
                        .fleet(member(channel, id))
                        .build()) {
            FleetMemberLoop.run(id, switcher, insert(table));
        }
        System.exit(0);
    }

    /** How the scenario's members (and its coordinator) join: heartbeats every 100 ms. */
    static FleetMember.Builder member(FleetChannel channel, String id) {
        return FleetMember.builder(channel).memberId(id).heartbeatInterval(Duration.ofMillis(100))
                .staleAfter(Duration.ofSeconds(1)).coordinatorSilence(Duration.ofSeconds(3));
    }

    static FleetChannel channel(String fleet, int bluePort, int greenPort, String db) {
        return MySqlCutover.fleetChannel(fleet, apply(bluePort, db), apply(greenPort, db));
    }

    private static EndpointDataSource apply(int port, String db) {
        return new EndpointDataSource(new Endpoint(MariaDbServer.HOST, port, db, Accounts.APPLY, Accounts.PASSWORD, "DISABLED"));
    }

    static HikariDataSource pool(int port, String db, String name) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:mysql://" + MariaDbServer.HOST + ":" + port + "/" + db + "?sslMode=DISABLED");
        c.setUsername(Accounts.APP);
        c.setPassword(Accounts.PASSWORD);
        c.setMaximumPoolSize(3);
        c.setMinimumIdle(1);
        c.setPoolName(name);
        return new HikariDataSource(c);
    }
}
