package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cutover.scenario.CrashResumeScenario;
import io.cutover.scenario.Sides;
import io.cutover.ReplicationLink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Offsets live on green with the rows: a stream that crashes mid-batch (the shared scenario), or a
 * process that dies and is replaced by a new one, resumes where green is, neither skipping nor
 * re-applying a batch.
 */
class CrashResumeIT extends CrashResumeScenario {

    private static PgPair pg;
    private static PgSides sides;

    @BeforeAll
    static void servers() {
        pg = PgPair.start();
        sides = new PgSides(pg, CutoverIT.appPool(pg.blue), CutoverIT.appPool(pg.green));
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Override
    protected Sides sides() {
        return sides;
    }

    @Override
    protected String[] applyLog(String table) {
        return new String[] {
            "CREATE FUNCTION " + table + "_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO " + table + "_log VALUES (NEW.id, NEW.v); RETURN NEW; END $$",
            "CREATE TRIGGER log AFTER INSERT OR UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + table + "_log()"
        };
    }

    @Test
    void processDies_newLinkWithTheSameName_resumesFromGreensOffset() throws Exception {
        String t = "restart_t";
        schema(t);
        ReplicationLink first = pg.builder("restart", t).initialCopy(false).build();
        first.stream().start();
        CompletableFuture<Void> writer = workload(t, 1, 2000);
        await().atMost(Duration.ofSeconds(30)).until(() -> pg.green.count("SELECT count(*) FROM " + t) > 100);
        // A dying process: the engine stops, nothing is cleaned up, the slot stays.
        first.stream().stop();
        long greenAtStop = pg.green.count("SELECT count(*) FROM " + t + "_log");
        assertThat(pg.green.count("SELECT count(*) FROM cutover_offsets WHERE stream = 'restart-blue-to-green'")).isEqualTo(1);

        try (ReplicationLink second = pg.builder("restart", t).initialCopy(false).build()) {
            second.stream().start();
            writer.join();
            // On a loaded machine the first writer may have finished before the stop: these are surely after it.
            workload(t, 2001, 200).join();
            second.stream().awaitFence(Duration.ofSeconds(60));
            assertThat(pg.green.count("SELECT count(*) FROM " + t + "_log")).isGreaterThan(greenAtStop);
            assertConverged(t);
        }
        assertThat(pg.blue.count("SELECT count(*) FROM pg_replication_slots")).isZero();
    }

    @Test
    void initialCopyUnderConcurrentWrites_meetsTheStreamExactly() throws Exception {
        String t = "copy_t";
        schema(t);
        workload(t, 1, 3000).join();
        try (ReplicationLink link = pg.builder("copy", t).build()) {
            CompletableFuture<Void> writer = workload(t, 3001, 1500);
            link.stream().start();
            writer.join();
            link.stream().awaitFence(Duration.ofSeconds(60));
            assertConverged(t);
            assertThat(pg.green.count("SELECT count(*) FROM " + t)).isGreaterThan(2000);
        }
    }
}
