package io.cutover.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverRecorder;
import io.cutover.CutoverResult;
import io.cutover.CutoverStatus;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.StreamStatus;
import io.cutover.postgres.PostgresCutover;
import io.cutover.testservers.PostgresServer;
import io.cutover.testservers.ServerPair;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** A real PostgreSQL stream and one cutover, seen through the registry and the recorder. */
class MetricsIT {

    private static ServerPair<PostgresServer> pg;

    @BeforeAll
    static void servers() {
        pg = PostgresServer.startPair();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void streamAndCutover_showInTheRegistry_andTheStatus() throws SQLException {
        for (PostgresServer s : new PostgresServer[] {pg.blue(), pg.green()}) {
            s.exec("CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL)");
        }
        pg.blue().exec("INSERT INTO acct SELECT g, 100 FROM generate_series(1, 20) g");
        ReplicationLink link = PostgresCutover.builder().name("acct")
                .blue("localhost", pg.blue().port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .green("localhost", pg.green().port(), PostgresServer.DATABASE, PostgresServer.USER, PostgresServer.PASSWORD)
                .tables("acct").startTimeout(Duration.ofSeconds(30)).build();
        AtomicReference<ReplicationStream> live = new AtomicReference<>(link.stream());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CutoverMetrics metrics = CutoverMetrics.builder().stream("acct", live::get).build();
        metrics.bindTo(registry);
        CutoverRecorder recorder = new CutoverRecorder();

        link.stream().start();
        link.stream().awaitFence(Duration.ofSeconds(30));
        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(appPool(pg.blue()), appPool(pg.green()))) {
            for (int id = 1; id <= 5; id++) {
                write(switcher, "UPDATE acct SET balance = balance - 1 WHERE id = " + id);
            }
            link.stream().awaitFence(Duration.ofSeconds(30));

            assertThat(registry.get("cutover.stream.applied").tag("name", "acct").functionCounter().count()).isGreaterThanOrEqualTo(5.0);
            assertThat(registry.get("cutover.stream.lag.events").tag("name", "acct").gauge().value()).isZero();
            assertThat(registry.get("cutover.stream.lag").tag("name", "acct").timeGauge().value(TimeUnit.MILLISECONDS)).isNotNaN();
            assertThat(registry.get("cutover.stream.applied.rate").tag("name", "acct").gauge().value()).isPositive();
            assertThat(registry.get("cutover.stream.state").tags("name", "acct", "state", "streaming").gauge().value()).isEqualTo(1.0);
            StreamStatus before = link.stream().status();
            assertThat(before.appliedTotal()).isGreaterThanOrEqualTo(5);
            assertThat(before.lastError()).isNull();

            Cutover cutover = Cutover.builder().name("acct").switcher(switcher).link(link).listener(metrics).listener(recorder).build();
            CutoverResult result = cutover.execute();
            ReplicationLink reverse = cutover.reverseLink().orElseThrow();
            live.set(reverse.stream());

            assertThat(switcher.current()).isEqualTo(Side.GREEN);
            Timer pause = registry.get("cutover.write.pause").tags("name", "acct", "outcome", "flipped").timer();
            assertThat(pause.count()).isEqualTo(1);
            assertThat(pause.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(result.writePause().toNanos());
            assertThat(registry.get("cutover.phase").tags("name", "acct", "phase", "catch_up").timer().count()).isEqualTo(1);
            assertThat(registry.get("cutover.outcomes").tags("name", "acct", "outcome", "flipped").counter().count()).isEqualTo(1.0);

            write(switcher, "UPDATE acct SET balance = 0 WHERE id = 20");
            reverse.stream().awaitFence(Duration.ofSeconds(30));
            // The gauges follow the live stream: now the reverse one, green to blue.
            assertThat(registry.get("cutover.stream.applied").tag("name", "acct").functionCounter().count()).isGreaterThanOrEqualTo(1.0);
            CutoverStatus status = recorder.status(reverse.stream());
            assertThat(status.lastCutover()).contains(result);
            assertThat(status.stream().name()).isEqualTo(reverse.stream().name());
            assertThat(status.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);
            assertThat(status.summary()).contains("FLIPPED");

            reverse.close();
            reverse.sourceGuard().release();
            link.sourceGuard().release();
        }
    }

    private static DataSource appPool(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {server.port()});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        return ds;
    }

    private static void write(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
