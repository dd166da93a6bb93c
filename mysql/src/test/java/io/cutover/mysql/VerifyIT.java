package io.cutover.mysql;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.cutover.scenario.Sides;
import io.cutover.scenario.VerifyScenario;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The verify scenario on real MariaDB: one pair of servers, a database per test. The items table
 * has MariaDB's BOOLEAN (a TINYINT(1)) and DATETIME(6).
 */
class VerifyIT extends VerifyScenario {
    private static final AtomicLong SERVER_IDS = new AtomicLong(8401);

    private static MariaDbServer blueServer;
    private static MariaDbServer greenServer;
    private static Path state;

    @BeforeAll
    static void servers() throws Exception {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 1201, "green", 1202);
        blueServer = pair.blue();
        greenServer = pair.green();
        state = Files.createTempDirectory("cutover-verify-");
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blueServer, greenServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The guard is server-wide read_only: lift what a test's cutover left engaged, for the next test. */
    @AfterEach
    void liftGuards() {
        blueServer.exec("", "SET GLOBAL read_only = OFF");
        greenServer.exec("", "SET GLOBAL read_only = OFF");
    }

    private static DataSource pool(MariaDbServer server, String database) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setUrl(server.jdbcUrl(database) + "?sslMode=DISABLED");
        ds.setUser(Accounts.APP);
        ds.setPassword(Accounts.PASSWORD);
        return ds;
    }

    @Override
    protected Sides freshSides(String name) {
        Accounts.create(blueServer, name);
        Accounts.create(greenServer, name);
        return new MariaDbSides(blueServer, greenServer, name, pool(blueServer, name), pool(greenServer, name), state,
                SERVER_IDS);
    }

    @Override
    protected String textType() {
        return "VARCHAR(100)";
    }

    @Override
    protected String itemsDdl() {
        return "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(12,2), at DATETIME(6),"
                + " data VARBINARY(16), flag BOOLEAN)";
    }
}
