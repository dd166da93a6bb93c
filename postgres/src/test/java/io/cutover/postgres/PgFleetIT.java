package io.cutover.postgres;

import io.cutover.Side;
import io.cutover.scenario.FleetScenario;
import io.cutover.scenario.Sides;
import io.cutover.spi.FleetChannel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The fleet scenario on PostgreSQL: three member JVMs, signalled with NOTIFY. */
class PgFleetIT extends FleetScenario {
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
    protected FleetChannel channel(String fleet) {
        return FleetMemberMain.channel(fleet, pg.blue.port(), pg.green.port());
    }

    @Override
    protected List<String> memberMain(String fleet, String table, String id, Side configured) {
        return List.of(FleetMemberMain.class.getName(), fleet, table, String.valueOf(pg.blue.port()), String.valueOf(pg.green.port()),
                id, configured.name());
    }

    @Override
    protected String createTable(String table) {
        return FleetMemberMain.createTable(table);
    }

    @Override
    protected String insert(String table) {
        return FleetMemberMain.insert(table);
    }

    @Override
    protected int origin(Side side) {
        return side == Side.BLUE ? pg.blue.port() : pg.green.port();
    }
}
