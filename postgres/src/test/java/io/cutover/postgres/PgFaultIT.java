package io.cutover.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.Side;
import io.cutover.scenario.FaultScenario;
import io.cutover.scenario.LinkRecipe;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.TcpProxy;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fault scenario on PostgreSQL: Cutover reaches both servers through a {@link TcpProxy} each
 * (capture, apply, fences, guard), the application's writers reach them directly.
 */
class PgFaultIT extends FaultScenario {
    private static PgPair pg;
    private static TcpProxy blueProxy;
    private static TcpProxy greenProxy;
    private static HikariDataSource bluePool;
    private static HikariDataSource greenPool;
    private static Sides sides;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        blueProxy = TcpProxy.to("blue", "localhost", pg.blue.port());
        greenProxy = TcpProxy.to("green", "localhost", pg.green.port());
        bluePool = pool(pg.blue);
        greenPool = pool(pg.green);
        sides = new Sides();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {bluePool, greenPool, blueProxy, greenProxy, pg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }

    private static HikariDataSource pool(PostgresServer server) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:postgresql://localhost:" + server.port() + "/" + PostgresServer.DATABASE);
        c.setUsername(PostgresServer.USER);
        c.setMaximumPoolSize(WRITERS + 2);
        c.setConnectionTimeout(10_000);
        c.setPoolName("app-" + server.port());
        return new HikariDataSource(c);
    }

    /** Both servers, Cutover behind the proxies. */
    private static final class Sides implements FaultSides {
        private final PgSides direct = new PgSides(pg, bluePool, greenPool);

        @Override
        public DataSource app(Side side) {
            return direct.app(side);
        }

        @Override
        public void exec(Side side, String... ddl) {
            direct.exec(side, ddl);
        }

        @Override
        public LinkRecipe link(String name, String... tables) {
            return link(name, io.cutover.spi.DialectBuilder.DEFAULT_STALL_TIMEOUT, tables);
        }

        @Override
        public LinkRecipe link(String name, Duration stallTimeout, String... tables) {
            PostgresCutover.Builder b = PostgresCutover.builder()
                    .name(name)
                    .blue(blueProxy.host(), blueProxy.port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                    .green(greenProxy.host(), greenProxy.port(), PostgresServer.DATABASE, PostgresServer.USER,
                            PostgresServer.PASSWORD)
                    .tables(tables)
                    .startTimeout(Duration.ofSeconds(30))
                    .recoveryBudget(Duration.ofMinutes(2))
                    .stallTimeout(stallTimeout);
            return LinkRecipe.of(b, PostgresCutover.Builder::transform, PostgresCutover.Builder::transform,
                    PostgresCutover.Builder::initialCopy, (x, ds) -> x.dataSource(Side.GREEN, ds), PgDataSources.of(pg.green),
                    PostgresCutover.Builder::build);
        }

        @Override
        public List<String> leftovers(Side side) {
            return direct.leftovers(side);
        }

        @Override
        public void cut(Side side, Duration duration) {
            (side == Side.BLUE ? blueProxy : greenProxy).cut(duration);
        }

        @Override
        public void freeze(Side side) {
            (side == Side.BLUE ? blueProxy : greenProxy).freeze();
        }

        @Override
        public void thaw(Side side) {
            (side == Side.BLUE ? blueProxy : greenProxy).thaw();
        }

        @Override
        public void restart(Side side) {
            (side == Side.BLUE ? pg.blue : pg.green).restart();
        }
    }

    @Override
    protected FaultSides sides() {
        return sides;
    }

    @Override
    protected String dialect() {
        return "postgres";
    }
}
