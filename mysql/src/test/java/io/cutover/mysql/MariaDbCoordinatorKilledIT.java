package io.cutover.mysql;

import io.cutover.scenario.CoordinatorKilledScenario;
import io.cutover.scenario.Sides;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator killed mid-cutover on MariaDB, whose guard is {@code read_only}. */
class MariaDbCoordinatorKilledIT extends CoordinatorKilledScenario {
    private static final String DB = "deadcoord";

    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static MariaDbSides sides;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 811, "green", 812);
        blue = pair.blue();
        green = pair.green();
        sides = MariaDbSides.onNewDatabase(blue, green, DB, state, 8201);
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
    protected List<String> coordinatorMain(String name, List<String> mode) {
        // The same state directory and server ids for every incarnation of one cutover's coordinator.
        long ids = 8301 + 2L * Math.floorMod(name.hashCode(), 1000);
        List<String> main = new ArrayList<>(List.of(MariaDbCoordinatorMain.class.getName(), name, String.valueOf(blue.port()),
                String.valueOf(green.port()), DB, state.resolve(name).toString(), String.valueOf(ids)));
        main.addAll(mode);
        return main;
    }

    @Override
    protected String createTable(String table) {
        return MariaDbFleetMember.createTable(table);
    }

    /** read_only's refusal is the server's own: the library says more where it can (warmUp, liftLeftoverGuard). */
    @Override
    protected String leftoverRefusalSays() {
        return "read-only";
    }

    /**
     * Not yet on MariaDB: the reverse start (green's binlog position) is read in the pause but stored only when the
     * reverse stream first starts, after the resume; a process killed between the two leaves nothing stored, and the
     * restarted one reads green's position anew, after what other members wrote there meanwhile.
     */
    @Override
    protected boolean reverseCarriesWritesMadeBeforeTheRestart() {
        return false;
    }
}
