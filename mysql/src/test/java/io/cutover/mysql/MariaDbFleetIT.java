package io.cutover.mysql;

import io.cutover.Side;
import io.cutover.scenario.FleetScenario;
import io.cutover.scenario.Sides;
import io.cutover.spi.FleetChannel;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The fleet scenario on MariaDB: three member JVMs polling the control tables every 5 ms. */
class MariaDbFleetIT extends FleetScenario {
    private static final String DB = "fleetdb";

    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static MariaDbSides sides;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 801, "green", 802);
        blue = pair.blue();
        green = pair.green();
        sides = MariaDbSides.onNewDatabase(blue, green, DB, state, 8101);
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Override
    protected Sides sides() {
        return sides;
    }

    @Override
    protected FleetChannel channel(String fleet) {
        return MariaDbFleetMember.channel(fleet, blue.port(), green.port(), DB);
    }

    @Override
    protected List<String> memberMain(String fleet, String table, String id, Side configured) {
        return List.of(MariaDbFleetMember.class.getName(), fleet, table, String.valueOf(blue.port()), String.valueOf(green.port()), DB,
                id, configured.name());
    }

    @Override
    protected String createTable(String table) {
        return MariaDbFleetMember.createTable(table);
    }

    @Override
    protected String insert(String table) {
        return MariaDbFleetMember.insert(table);
    }

    @Override
    protected int origin(Side side) {
        return side == Side.BLUE ? blue.port() : green.port();
    }
}
