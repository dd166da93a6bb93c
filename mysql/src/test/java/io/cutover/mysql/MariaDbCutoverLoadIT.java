package io.cutover.mysql;

import io.cutover.testservers.ServerPair;

import io.cutover.testservers.MariaDbServer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cutover.scenario.CutoverLoadScenario;
import io.cutover.scenario.Sides;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The load scenario on MariaDB: ten cutovers and ten rollbacks under unthrottled writers. */
class MariaDbCutoverLoadIT extends CutoverLoadScenario {
    private static final String DB = "loaddb";
    private static final AtomicLong SERVER_IDS = new AtomicLong(7101);

    private static MariaDbServer blue;
    private static MariaDbServer green;
    private static HikariDataSource bluePool;
    private static HikariDataSource greenPool;
    private static MariaDbSides sides;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 701, "green", 702);
        blue = pair.blue();
        green = pair.green();
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
        }
        bluePool = pool(blue);
        greenPool = pool(green);
        sides = new MariaDbSides(blue, green, DB, bluePool, greenPool, state, SERVER_IDS);
    }

    @AfterAll
    static void stop() {
        for (HikariDataSource p : new HikariDataSource[] {bluePool, greenPool}) {
            if (p != null) {
                p.close();
            }
        }
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static HikariDataSource pool(MariaDbServer server) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.jdbcUrl(DB) + "?sslMode=DISABLED");
        c.setUsername(Accounts.APP);
        c.setPassword(Accounts.PASSWORD);
        c.setMaximumPoolSize(WRITERS + 2);
        c.setPoolName("app-" + server.name());
        return new HikariDataSource(c);
    }

    @Override
    protected Sides sides() {
        return sides;
    }

    /** 1290 ER_OPTION_PREVENTS_STATEMENT: --read-only refused it. */
    @Override
    protected boolean refusedByGuard(SQLException e) {
        return e.getErrorCode() == 1290;
    }

    @Override
    protected String dialect() {
        return "mariadb";
    }

    @Override
    protected int flips() {
        return Integer.getInteger("cutover.load.flips", 20);
    }

    /** The binlog stream keeps up with unpaced writers here, so the cutover fences before pausing. */
    @Override
    protected boolean fenceBeforePauseWhenUnthrottled() {
        return true;
    }
}
