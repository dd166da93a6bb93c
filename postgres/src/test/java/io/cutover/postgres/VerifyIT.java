package io.cutover.postgres;

import io.cutover.scenario.Sides;
import io.cutover.scenario.VerifyScenario;
import io.cutover.testservers.PostgresServer;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.postgresql.ds.PGSimpleDataSource;

/** The verify scenario on real PostgreSQL: a fresh pair of servers per test. */
class VerifyIT extends VerifyScenario {
    private PgPair pg;
    private DataSource blue;
    private DataSource green;

    @BeforeEach
    void servers() {
        pg = PgPair.start();
        blue = pool(pg.blue);
        green = pool(pg.green);
    }

    @AfterEach
    void stop() {
        pg.close();
    }

    private static DataSource pool(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {server.port()});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    @Override
    protected Sides freshSides(String name) {
        return new PgSides(pg, blue, green);
    }

    @Override
    protected String textType() {
        return "text";
    }

    @Override
    protected String itemsDdl() {
        return "CREATE TABLE items (id bigint PRIMARY KEY, name text, amount numeric(12,2), at timestamptz,"
                + " data bytea, flag boolean)";
    }
}
