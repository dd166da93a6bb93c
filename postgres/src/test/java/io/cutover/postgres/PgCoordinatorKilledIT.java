package io.cutover.postgres;

import io.cutover.scenario.CoordinatorKilledScenario;
import io.cutover.scenario.Sides;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The coordinator killed mid-cutover on PostgreSQL. */
class PgCoordinatorKilledIT extends CoordinatorKilledScenario {
    private static PgPair pg;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Override
    protected Sides sides() {
        return new PgSides(pg, PgDataSources.of(pg.blue), PgDataSources.of(pg.green));
    }

    @Override
    protected List<String> coordinatorMain(String name, List<String> mode) {
        List<String> main = new ArrayList<>(List.of(PgCoordinatorMain.class.getName(), name, String.valueOf(pg.blue.port()),
                String.valueOf(pg.green.port())));
        main.addAll(mode);
        return main;
    }

    @Override
    protected String createTable(String table) {
        return FleetMemberMain.createTable(table);
    }

    /** The trigger's HINT names the way back. */
    @Override
    protected String leftoverRefusalSays() {
        return "Cutover.liftLeftoverGuard(switcher, link)";
    }
}
