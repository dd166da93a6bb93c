package io.cutover.mysql;

import com.zaxxer.hikari.HikariDataSource;
import io.cutover.ConnectionSwitcher;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.TlsMode;
import io.cutover.scenario.CoordinatorLoop;
import io.cutover.spi.FleetChannel;
import io.cutover.testservers.MariaDbServer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The coordinator of {@link MariaDbCoordinatorKilledIT} in its own JVM, configured as a production
 * instance is: pools of the application's account on both sides, a switcher in the fleet named after
 * the cutover (member id {@code coordinator}, the same in every incarnation), the forward link over
 * {@code <name>_rows} with the same state directory and server ids in every incarnation.
 *
 * <p>Arguments: name, blue port, green port, database, state directory, forward server id, then the
 * {@link CoordinatorLoop} mode.
 */
public final class MariaDbCoordinatorMain {

    private MariaDbCoordinatorMain() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int bluePort = Integer.parseInt(args[1]);
        int greenPort = Integer.parseInt(args[2]);
        String db = args[3];
        long serverId = Long.parseLong(args[5]);
        List<String> mode = Arrays.asList(args).subList(6, args.length);
        String table = name + "_rows";
        try (HikariDataSource blue = MariaDbFleetMember.pool(bluePort, db, "coordinator-blue");
                HikariDataSource green = MariaDbFleetMember.pool(greenPort, db, "coordinator-green");
                FleetChannel channel = MariaDbFleetMember.channel(name, bluePort, greenPort, db);
                ConnectionSwitcher switcher = ConnectionSwitcher.builder().blue(blue).green(green).startOn(Side.BLUE)
                        .fleet(MariaDbFleetMember.member(channel, "coordinator"))
                        .build()) {
            ReplicationLink link = MySqlCutover.builder().name(name)
                    .blue(MariaDbServer.HOST, bluePort, db, Accounts.APPLY, Accounts.PASSWORD)
                    .green(MariaDbServer.HOST, greenPort, db, Accounts.APPLY, Accounts.PASSWORD)
                    .tls(TlsMode.DISABLE).stateDir(Path.of(args[4])).serverIds(serverId, serverId + 1)
                    .appUsers(Accounts.APP).tables(table).build();
            CoordinatorLoop.run(mode, name, switcher, link, MariaDbFleetMember.insert(table));
        }
        System.exit(0);
    }
}
