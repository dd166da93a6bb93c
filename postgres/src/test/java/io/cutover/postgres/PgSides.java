package io.cutover.postgres;

import io.cutover.testservers.PostgresServer;

import io.cutover.Side;
import io.cutover.scenario.LinkRecipe;
import io.cutover.scenario.Sides;
import java.util.List;
import javax.sql.DataSource;

/** A pair of PostgreSQL servers as the shared scenarios see them. */
final class PgSides implements Sides {
    private final PgPair pg;
    private final DataSource blue;
    private final DataSource green;

    /**
     * @param pg the servers, owned by the caller
     * @param blue the application's connections to blue
     * @param green the application's connections to green
     */
    PgSides(PgPair pg, DataSource blue, DataSource green) {
        this.pg = pg;
        this.blue = blue;
        this.green = green;
    }

    PostgresServer server(Side side) {
        return side == Side.BLUE ? pg.blue : pg.green;
    }

    @Override
    public DataSource app(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    @Override
    public void exec(Side side, String... ddl) {
        server(side).exec(ddl);
    }

    @Override
    public LinkRecipe link(String name, String... tables) {
        return LinkRecipe.of(pg.builder(name, tables), PostgresCutover.Builder::transform,
                PostgresCutover.Builder::transform, PostgresCutover.Builder::initialCopy,
                (b, ds) -> b.dataSource(Side.GREEN, ds), PgDataSources.of(pg.green), PostgresCutover.Builder::build);
    }

    /** Replication slots: the guard is lifted with the links, a slot outlives a process that dies. */
    @Override
    public List<String> leftovers(Side side) {
        return server(side).rows("SELECT slot_name FROM pg_replication_slots").stream()
                .map(r -> "slot " + r.get(0)).toList();
    }
}
