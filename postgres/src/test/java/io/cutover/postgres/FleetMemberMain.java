package io.cutover.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.FleetMember;
import io.cutover.Side;
import io.cutover.scenario.FleetMemberLoop;
import io.cutover.spi.FleetChannel;
import io.cutover.testservers.PostgresServer;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One instance of a service on PostgreSQL, run in its own JVM by {@link PgFleetIT}: Hikari pools on
 * both sides, a switcher that joins the fleet, and {@link FleetMemberLoop}'s writes.
 *
 * <p>Arguments: fleet, table, blue port, green port, member id, the side its static configuration names,
 * and optionally {@value FleetMemberLoop#JOIN_ON_SIGNAL}.
 */
public final class FleetMemberMain {

    /** The scenario's insert: the server fills in its port and its clock. */
    static String insert(String table) {
        return "INSERT INTO " + table + " (tag, member, origin, written_ms)"
                + " VALUES (?, ?, inet_server_port(), (extract(epoch from clock_timestamp()) * 1000)::bigint)";
    }

    /** The scenario's table: tag (primary key), member, origin (the server's port), written_ms (its clock). */
    static String createTable(String table) {
        return "CREATE TABLE " + table + " (tag varchar(100) PRIMARY KEY, member varchar(50) NOT NULL,"
                + " origin int NOT NULL, written_ms bigint NOT NULL)";
    }

    private FleetMemberMain() {
    }

    public static void main(String[] args) throws Exception {
        String fleet = args[0];
        String table = args[1];
        int bluePort = Integer.parseInt(args[2]);
        int greenPort = Integer.parseInt(args[3]);
        String id = args[4];
        if (args.length > 6 && FleetMemberLoop.JOIN_ON_SIGNAL.equals(args[6])) {
            FleetMemberLoop.awaitJoinSignal();
        }
        try (HikariDataSource blue = pool(bluePort, id + "-blue");
                HikariDataSource green = pool(greenPort, id + "-green");
                FleetChannel channel = channel(fleet, bluePort, greenPort);
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green).startOn(Side.valueOf(args[5]))
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

    static FleetChannel channel(String fleet, int bluePort, int greenPort) {
        return PostgresCutover.fleetChannel(fleet, admin(bluePort), admin(greenPort));
    }

    static HikariDataSource pool(int port, String name) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:postgresql://localhost:" + port + "/" + PostgresServer.DATABASE);
        cfg.setUsername(PostgresServer.USER);
        cfg.setPassword(PostgresServer.PASSWORD);
        cfg.setMaximumPoolSize(3);
        cfg.setMinimumIdle(1);
        cfg.setPoolName(name);
        return new HikariDataSource(cfg);
    }

    private static DataSource admin(int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        ds.setPassword(PostgresServer.PASSWORD);
        return ds;
    }
}
