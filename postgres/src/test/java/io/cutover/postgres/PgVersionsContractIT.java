package io.cutover.postgres;

import io.cutover.Side;
import io.cutover.contract.ReplicationLinkContract;
import io.cutover.ReplicationLink;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The link contract on every supported PostgreSQL major version, in containers. Runs where a
 * Docker engine is reachable and is skipped elsewhere; every other integration test of the module
 * runs on embedded PostgreSQL 17 without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@ParameterizedClass
@ValueSource(strings = {"13", "14", "15", "16", "17"})
class PgVersionsContractIT extends ReplicationLinkContract {

    @Parameter
    String version;

    private static PostgreSQLContainer blue;
    private static PostgreSQLContainer green;

    @BeforeParameterizedClassInvocation
    static void start(String version) {
        blue = container(version);
        green = container(version);
        blue.start();
        green.start();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        try {
            blue.stop();
        } finally {
            green.stop();
        }
    }

    private static PostgreSQLContainer container(String version) {
        return new PostgreSQLContainer("postgres:" + version + "-alpine")
                .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=10", "-c", "max_wal_senders=10");
    }

    private static PostgreSQLContainer server(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    @Override
    protected DataSource admin(Side side) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server(side).getJdbcUrl());
        ds.setUser(server(side).getUsername());
        ds.setPassword(server(side).getPassword());
        return ds;
    }

    @Override
    protected ReplicationLink link(String name, String... tables) {
        return PostgresCutover.builder().name(name)
                .blue(blue.getJdbcUrl(), blue.getUsername(), blue.getPassword())
                .green(green.getJdbcUrl(), green.getUsername(), green.getPassword())
                .tables(tables)
                .initialCopy(false)
                .build();
    }

    @Override
    protected List<String> leftovers(Side side, String name) {
        List<String> out = new ArrayList<>();
        try (var c = admin(side).getConnection(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT 'slot ' || slot_name FROM pg_replication_slots WHERE slot_name LIKE 'cutover_" + name
                        + "_%' UNION ALL SELECT 'publication ' || pubname FROM pg_publication WHERE pubname LIKE 'cutover_" + name + "_%'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }
}
