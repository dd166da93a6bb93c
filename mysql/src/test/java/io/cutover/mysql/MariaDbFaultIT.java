package io.cutover.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.Side;
import io.cutover.TlsMode;
import io.cutover.scenario.FaultScenario;
import io.cutover.scenario.LinkRecipe;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import io.cutover.testservers.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault scenario on MariaDB: Cutover reaches both servers through a {@link TcpProxy} each
 * (binlog capture, apply, fences, guard), the application's writers reach them directly.
 */
class MariaDbFaultIT extends FaultScenario {
    private static final String DB = "faultdb";
    private static final AtomicLong SERVER_IDS = new AtomicLong(7301);

    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static TcpProxy blueProxy;
    private static TcpProxy greenProxy;
    private static HikariDataSource bluePool;
    private static HikariDataSource greenPool;
    private static MariaDbSides direct;
    private static Sides sides;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 731, "green", 732);
        blue = pair.blue();
        green = pair.green();
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
        }
        blueProxy = TcpProxy.to("blue", blue.host(), blue.port());
        greenProxy = TcpProxy.to("green", green.host(), green.port());
        bluePool = pool(blue);
        greenPool = pool(green);
        direct = new MariaDbSides(blue, green, DB, bluePool, greenPool, state, SERVER_IDS);
        sides = new Sides();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {bluePool, greenPool, blueProxy, greenProxy, blue, green}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }

    private static HikariDataSource pool(MariaDbServer server) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.jdbcUrl(DB) + "?sslMode=DISABLED");
        c.setUsername(Accounts.APP);
        c.setPassword(Accounts.PASSWORD);
        c.setMaximumPoolSize(WRITERS + 2);
        c.setConnectionTimeout(10_000);
        c.setPoolName("app-" + server.name());
        return new HikariDataSource(c);
    }

    /** Both servers, Cutover behind the proxies. */
    private static final class Sides implements FaultSides {

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
            long serverId = SERVER_IDS.getAndAdd(2);
            MySqlCutover.Builder b = MySqlCutover.builder()
                    .name(name)
                    .blue(blueProxy.host(), blueProxy.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                    .green(greenProxy.host(), greenProxy.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                    .tls(TlsMode.DISABLE)
                    .stateDir(state)
                    .serverIds(serverId, serverId + 1)
                    .appUsers(Accounts.APP)
                    .tables(tables)
                    .recoveryBudget(Duration.ofMinutes(2))
                    .stallTimeout(stallTimeout);
            return LinkRecipe.of(b, MySqlCutover.Builder::transform, MySqlCutover.Builder::transform,
                    MySqlCutover.Builder::initialCopy, (x, ds) -> x.dataSource(Side.GREEN, ds),
                    new EndpointDataSource(new Endpoint(greenProxy.host(), greenProxy.port(), DB, Accounts.APPLY,
                            Accounts.PASSWORD, "DISABLED")), MySqlCutover.Builder::build);
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
            (side == Side.BLUE ? blue : green).restart();
        }
    }

    @Override
    protected FaultSides sides() {
        return sides;
    }

    @Override
    protected String dialect() {
        return "mariadb";
    }
}
