package io.cutover.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.scenario.CoordinatorLoop;
import io.cutover.spi.FleetChannel;
import io.cutover.testservers.PostgresServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The coordinator of {@link PgCoordinatorKilledIT} in its own JVM, configured as a production instance
 * is: Hikari pools on both sides, a switcher in the fleet named after the cutover (member id
 * {@code coordinator}, the same in every incarnation), the forward link over {@code <name>_rows}.
 *
 * <p>Arguments: name, blue port, green port, then the {@link CoordinatorLoop} mode.
 */
public final class PgCoordinatorMain {

    private PgCoordinatorMain() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int bluePort = Integer.parseInt(args[1]);
        int greenPort = Integer.parseInt(args[2]);
        List<String> mode = Arrays.asList(args).subList(3, args.length);
        String table = name + "_rows";
        try (HikariDataSource blue = FleetMemberMain.pool(bluePort, "coordinator-blue");
                HikariDataSource green = FleetMemberMain.pool(greenPort, "coordinator-green");
                FleetChannel channel = FleetMemberMain.channel(name, bluePort, greenPort);
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green).startOn(Side.BLUE)
                        .fleet(FleetMemberMain.member(channel, "coordinator"))
                        .build()) {
            ReplicationLink link = PostgresCutover.builder().name(name)
                    .blue("localhost", bluePort, PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                    .green("localhost", greenPort, PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                    .tables(table).startTimeout(Duration.ofSeconds(30)).build();
            CoordinatorLoop.run(mode, name, switcher, link, FleetMemberMain.insert(table));
        }
        System.exit(0);
    }
}
