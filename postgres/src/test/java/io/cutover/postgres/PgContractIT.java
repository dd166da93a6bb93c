package io.cutover.postgres;

import io.cutover.Side;
import io.cutover.contract.ReplicationLinkContract;
import io.cutover.ReplicationLink;
import io.cutover.testservers.PostgresServer;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;

/** The dialect-neutral link contract, on PostgreSQL. */
class PgContractIT extends ReplicationLinkContract {

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
    protected DataSource admin(Side side) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {(side == Side.BLUE ? pg.blue : pg.green).port()});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    @Override
    protected ReplicationLink link(String name, String... tables) {
        return pg.builder(name, tables).initialCopy(false).build();
    }

    @Override
    protected List<String> leftovers(Side side, String name) {
        PostgresServer server = side == Side.BLUE ? pg.blue : pg.green;
        List<String> out = new ArrayList<>();
        server.rows("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'cutover_" + name + "_%'")
                .forEach(r -> out.add("slot " + r.get(0)));
        server.rows("SELECT pubname FROM pg_publication WHERE pubname LIKE 'cutover_" + name + "_%'")
                .forEach(r -> out.add("publication " + r.get(0)));
        return out;
    }
}
