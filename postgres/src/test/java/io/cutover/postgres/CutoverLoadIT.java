package io.cutover.postgres;

import io.cutover.testservers.PostgresServer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.scenario.CutoverLoadScenario;
import io.cutover.scenario.Sides;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The load scenario on PostgreSQL: 20 cutovers and 20 rollbacks under unthrottled writers. */
class CutoverLoadIT extends CutoverLoadScenario {
    private static PgPair pg;
    private static HikariDataSource bluePool;
    private static HikariDataSource greenPool;
    private static PgSides sides;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        bluePool = pool(pg.blue);
        greenPool = pool(pg.green);
        sides = new PgSides(pg, bluePool, greenPool);
    }

    @AfterAll
    static void stop() {
        bluePool.close();
        greenPool.close();
        pg.close();
    }

    private static HikariDataSource pool(PostgresServer server) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:postgresql://localhost:" + server.port() + "/" + PostgresServer.DATABASE);
        c.setUsername(PostgresServer.USER);
        c.setMaximumPoolSize(WRITERS + 2);
        c.setPoolName("app-" + server.port());
        return new HikariDataSource(c);
    }

    @Override
    protected Sides sides() {
        return sides;
    }

    /** 25006 read_only_sql_transaction: what the guard's trigger raises. */
    @Override
    protected boolean refusedByGuard(SQLException e) {
        return "25006".equals(e.getSQLState());
    }

    @Override
    protected String dialect() {
        return "postgres";
    }

    @Override
    protected int flips() {
        return Integer.getInteger("cutover.load.flips", 40);
    }

    /** Unpaced writers outrun the logical-decoding stream on two cores: the pause drains the backlog. */
    @Override
    protected boolean fenceBeforePauseWhenUnthrottled() {
        return false;
    }
}
