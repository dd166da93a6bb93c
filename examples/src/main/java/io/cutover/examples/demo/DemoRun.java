package io.cutover.examples.demo;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverResult;
import io.cutover.Fence;
import io.cutover.Lag;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.WritePauser;
import io.cutover.ReplicationLink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the demo, step by step: set up the tables, start the service, start the stream
 * (initial copy, then live changes), then for each round a cutover to green and a rollback to blue,
 * each followed by a verification against the acknowledged writes. Not thread-safe; run once.
 */
public final class DemoRun {

    private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);
    private static final Duration FENCE_WAIT = Duration.ofSeconds(30);
    private static final Duration COPY_WAIT = Duration.ofMinutes(5);
    private static final Lag MAX_LAG_TO_START = new Lag(50_000, Duration.ofSeconds(10));
    private static final Duration LAG_WAIT = Duration.ofMinutes(3);

    private final DemoOptions options;
    private final PrintStream out;
    private final List<CutoverResult> results = new ArrayList<>();
    private final List<Verification> verifications = new ArrayList<>();
    private final List<Long> slowestWrites = new ArrayList<>();
    private DemoFleet fleet; // null with one instance

    /**
     * Prepares a run.
     *
     * @param options what to run against and how hard
     * @param out where the run says what it does
     */
    public DemoRun(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs the demo to its end.
     *
     * @return what happened; see {@link DemoResult#succeeded(int)}
     * @throws SQLException if setting up or checking the tables fails
     * @throws IOException if a member process of {@code --instances} does not start or answer
     */
    public DemoResult run() throws SQLException, IOException {
        out.println("Cutover demo  " + options);
        try (DemoDatabases db = DemoDatabases.open(options, out); Timeline timeline = new Timeline()) {
            UsersTable table = new UsersTable(options.table(), db.dialect());
            UserModel model = new UserModel();
            table.createV1(db.admin(Side.BLUE));
            table.createV2(db.admin(Side.GREEN));
            table.seed(db.admin(Side.BLUE), options.rows(), model);
            out.printf("Blue:  %s(id, name, email)         v1, %,d rows%n", table.name(), options.rows());
            out.printf("Green: %s(id, name, email, phone)  v2, empty; phone is computed from the row on the way%n",
                    table.name());

            TimedPauser pauser = new TimedPauser(WritePauser.builder().name("demo").maxWaitWhilePaused(Duration.ofSeconds(5))
                    .build());
            if (options.instances() > 1) {
                out.printf("%nStarting %d more instances of the service, each a JVM with its own pools, switcher and"
                        + " writers, joined in one fleet with this one%n", options.instances() - 1);
            }
            try (DemoFleet members = options.instances() > 1 ? DemoFleet.start(options, db, table.name(), out) : null;
                    ConnectionSwitcher switcher = switcher(db, pauser, members)) {
                fleet = members;
                WriteLoad load = new WriteLoad(switcher, table, model, options.writers(), options.rate());
                timeline.start(load, switcher::current);
                load.start();
                out.printf("%nService running: %d writer threads through a ConnectionSwitcher over two HikariCP pools,"
                        + " %s%s%n", options.writers(), options.rate() == 0 ? "as fast as they can" : options.rate() + " writes/s",
                        members == null ? "" : ", in each of " + options.instances() + " instances");
                String failure = null;
                ReplicationLink link = db.link("demo", table);
                timeline.follow(link::stream);
                try {
                    copy(link, table, db);
                    watch(timeline, load, options.phase());
                    for (int round = 1; round <= options.cutovers() && failure == null; round++) {
                        ReplicationLink back = cutOver(round, "cutover", link, switcher, load, timeline, db, table, model);
                        if (back == null) {
                            failure = "cutover " + round + " to green did not flip";
                            break;
                        }
                        link = back;
                        back = cutOver(round, "rollback", link, switcher, load, timeline, db, table, model);
                        if (back == null) {
                            failure = "rollback " + round + " to blue did not flip";
                            break;
                        }
                        link = back;
                    }
                } finally {
                    load.stop();
                    closeQuietly(link);
                }
                List<InstanceReport> instances = instances(load, pauser);
                long writes = instances.stream().mapToLong(InstanceReport::acknowledged).sum();
                long onGreen = instances.stream().mapToLong(InstanceReport::onGreen).sum();
                long failed = instances.stream().mapToLong(InstanceReport::failed).sum();
                out.printf("%nWrites acknowledged: %,d (%,d on green), failed: %,d%s%n", writes, onGreen, failed,
                        load.lastFailure() == null ? "" : " (last here: " + load.lastFailure() + ")");
                out.print(InstanceTable.console(instances));
                Path report = report(timeline, writes, instances);
                return new DemoResult(results, verifications, writes, onGreen, failed, report, failure, instances);
            }
        }
    }

    private static ConnectionSwitcher switcher(DemoDatabases db, WritePauser pauser, DemoFleet members) {
        ConnectionSwitcher.Builder b = ConnectionSwitcher.builder().blue(db.pool(Side.BLUE)).green(db.pool(Side.GREEN))
                .pauser(pauser);
        return members == null ? b.build() : b.fleet(members.coordinator()).build();
    }

    /** Every instance's report, this one first; stops the members' writers for their final counts. */
    private List<InstanceReport> instances(WriteLoad load, TimedPauser pauser) throws IOException {
        List<InstanceReport> all = new ArrayList<>();
        long slowest = slowestWrites.stream().mapToLong(Long::longValue).max().orElse(0);
        all.add(new InstanceReport(DemoFleet.instanceName(0), ProcessHandle.current().pid(), load.acknowledged(),
                load.acknowledgedOnGreen(), load.failed(), pauser.pauses(), slowest));
        if (fleet != null) {
            fleet.stopWriters();
            all.addAll(fleet.reports());
        }
        return all;
    }

    /**
     * Starts the stream and follows its initial copy (which it applies in the background after
     * start() returns) until a fence written on blue after the start has been applied on green.
     */
    private void copy(ReplicationLink link, UsersTable table, DemoDatabases db) throws SQLException {
        long total = table.count(db.admin(Side.BLUE));
        out.printf("%nStarting the stream blue -> green: initial copy of %,d rows, then live changes%n", total);
        long t0 = System.nanoTime();
        link.stream().start();
        CompletableFuture<Fence> caughtUp = CompletableFuture.supplyAsync(() -> link.stream().awaitFence(COPY_WAIT));
        long lastCount = 0;
        long lastAt = t0;
        while (!caughtUp.isDone()) {
            try {
                caughtUp.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long copied = table.count(db.admin(Side.GREEN));
                long now = System.nanoTime();
                out.printf("  copying  %,7d / %,d rows  (%,.0f rows/s)   lag %s%n", copied, total,
                        (copied - lastCount) / ((now - lastAt) / 1e9), link.stream().lag());
                lastCount = copied;
                lastAt = now;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while copying", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the initial copy did not finish: " + e.getCause().getMessage(), e.getCause());
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long copied = table.count(db.admin(Side.GREEN));
        out.printf("  copy done: %,d rows on green in %.1f s (%,.0f rows/s, connector start included); stream %s%n",
                copied, secs, copied / secs, link.stream().state());
    }

    /** Lets the service run, printing the live lag once a second. */
    private void watch(Timeline timeline, WriteLoad load, Duration howLong) {
        long before = load.acknowledged();
        for (long s = 0; s < howLong.toSeconds(); s++) {
            sleep(1000);
            Timeline.Sample last = timeline.last();
            long now = load.acknowledged();
            if (last != null) {
                out.printf("  writes to %-5s  %,7d total (+%,d)   stream lag %,d events / %,d ms%n", last.side(), now,
                        now - before, last.lagEvents(), last.lagMillis());
            }
            before = now;
        }
    }

    /**
     * One cutover over {@code link} under load, then a check of both sides.
     *
     * @return the reverse link, or null if the cutover did not flip
     */
    private ReplicationLink cutOver(int round, String what, ReplicationLink link, ConnectionSwitcher switcher,
            WriteLoad load, Timeline timeline, DemoDatabases db, UsersTable table, UserModel model)
            throws SQLException, IOException {
        Side from = link.source();
        Side to = link.target();
        out.printf("%n== %s %d: %s -> %s, under load ==%n", what, round, from, to);
        Cutover cutover = Cutover.builder()
                .name("demo-" + what + "-" + round)
                .switcher(switcher)
                .link(link)
                .drainBudget(Duration.ofMillis(500))
                .catchUpBudget(Duration.ofSeconds(5))
                .totalBudget(Duration.ofSeconds(8))
                .maxLagToStart(MAX_LAG_TO_START)
                .listener(new PhasePrinter(out, timeline, from))
                .build();
        awaitLag(link);
        load.takeSlowestMillis();
        CutoverResult result;
        try {
            result = cutover.execute();
        } catch (CutoverAbortedException e) {
            results.add(e.result());
            out.println("  " + e.getMessage());
            return null;
        }
        long slowest = load.takeSlowestMillis();
        results.add(result);
        slowestWrites.add(slowest);
        ReplicationLink back = cutover.reverseLink().orElseThrow();
        timeline.follow(back::stream);
        PhaseTable.print(out, result, slowest);

        out.printf("%nThe service keeps writing, now to %s; the stream %s -> %s carries every write back (%s)%n",
                to, to, from, to == Side.GREEN ? "v2 -> v1, phone dropped" : "v1 -> v2, phone computed");
        watch(timeline, load, options.phase());
        long checkStart = timeline.nowMillis();
        load.stop();
        UserModel expected = model;
        if (fleet != null) {
            fleet.stopWriters();
            expected = fleet.withMembers(model);
        }
        out.printf("Writers stopped%s. Waiting for the stream %s -> %s to apply a fence ...%n",
                fleet == null ? "" : " on all " + (fleet.size() + 1) + " instances", to, from);
        back.stream().awaitFence(FENCE_WAIT);
        verify(what + " " + round + ": every acknowledged write on " + to, to, db, table, expected);
        verify(what + " " + round + ": and back on " + from + " through the reverse transform", from, db, table, expected);
        load.start();
        if (fleet != null) {
            fleet.startWriters();
        }
        timeline.check(checkStart, timeline.nowMillis());
        return back;
    }

    /**
     * Gives a stream that fell behind (a slow or busy machine, several instances writing) time to
     * catch up before the cutover's preflight judges its lag; writes go on meanwhile.
     */
    private void awaitLag(ReplicationLink link) {
        long deadline = System.nanoTime() + LAG_WAIT.toNanos();
        Lag lag = link.stream().lag();
        while (!lag.within(MAX_LAG_TO_START) && System.nanoTime() < deadline) {
            out.printf("  the stream lags %s, above %s: waiting for it to catch up before the cutover%n", lag,
                    MAX_LAG_TO_START);
            sleep(1000);
            lag = link.stream().lag();
        }
    }

    private void verify(String label, Side side, DemoDatabases db, UsersTable table, UserModel model)
            throws SQLException {
        Verification v = new Verifier(table).verify(label, side, db.admin(side), model);
        verifications.add(v);
        out.println("  " + v.line() + "   <- " + label);
    }

    private Path report(Timeline timeline, long writes, List<InstanceReport> instances) {
        try {
            Path path = HtmlReport.write(options.report(), options, timeline, results, verifications, slowestWrites,
                    writes, instances);
            out.println("HTML report: " + path.toAbsolutePath());
            return path;
        } catch (IOException e) {
            out.println("could not write the HTML report to " + options.report() + ": " + e.getMessage());
            return null;
        }
    }

    private void closeQuietly(ReplicationLink link) {
        try {
            // Leave the side not in use unguarded, so the demo tables can be inspected and reused.
            link.targetGuard().release();
        } catch (RuntimeException e) {
            LOG.warn("could not lift the guard on {}: {}", link.target(), e.getMessage());
        }
        try {
            link.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the stream {} -> {} failed: {}", link.source(), link.target(), e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
