package io.cutover.spring;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverAbortedException;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The application's cutover, as a bean: it starts the blue-to-green stream with the context and
 * closes whichever stream runs when the context stops ({@link SmartLifecycle}, in a phase that
 * starts before the web server and stops after it), runs a cutover to green and a rollback to
 * blue on demand, and reports status. The {@code cutover} actuator endpoint calls it; so may the
 * application's own code.
 *
 * <p>A cutover moves writes from blue to green with {@link Cutover}: afterwards the reverse
 * stream (green to blue) runs, so that a {@link #rollback()} loses nothing. A rollback is the same
 * procedure over the reverse stream; after it, the stream runs blue to green again.
 *
 * <p>Thread-safe. One cutover, rollback, start or stop at a time: a second one asked for while
 * one runs is refused at once rather than queued. {@link #status()} never waits for them.
 */
public class CutoverOperations implements SmartLifecycle {

    /**
     * The lifecycle phase: below the web server's, so the stream is up before requests arrive
     * and is closed only after the server has stopped taking them.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

    private static final Logger LOG = LoggerFactory.getLogger(CutoverOperations.class);

    private final ConnectionSwitcher switcher;
    private final Supplier<ReplicationLink> forward;
    private final String dialect;
    private final Supplier<List<CutoverListener>> listeners;
    private final CutoverProperties props;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile ReplicationLink link; // written under lock
    private volatile CutoverReport last; // written under lock
    private volatile boolean running; // written under lock
    private volatile FinishReport finished; // written under lock
    private volatile CutoverVerification verified; // written under lock
    private volatile String noStream; // written under lock: why start() found no stream to run

    /**
     * Creates the operations.
     *
     * @param switcher the application's DataSource
     * @param forward builds a new blue-to-green link, its stream not started
     * @param dialect the dialect's name, for status and logs
     * @param listeners the listeners each cutover and rollback tells, read when it starts
     * @param props the name, tables and budgets
     */
    CutoverOperations(ConnectionSwitcher switcher, Supplier<ReplicationLink> forward, String dialect,
            Supplier<List<CutoverListener>> listeners, CutoverProperties props) {
        this.switcher = switcher;
        this.forward = forward;
        this.dialect = dialect;
        this.listeners = listeners;
        this.props = props;
    }

    /**
     * Builds the blue-to-green link and starts its stream; the initial copy goes on in the
     * background. Does nothing if running. When writes already go to green (a fleet member started
     * after an earlier run cut over), starts nothing and logs why: the stream back to blue ended
     * with the run that cut over, so rollback, verify and finish are not available from this
     * instance ({@link #status()} shows it on green, not running).
     *
     * @throws io.cutover.PreflightException if a database cannot serve the stream
     * @throws IllegalStateException if the migration is finished
     */
    @Override
    public void start() {
        lock.lock();
        try {
            if (running) {
                return;
            }
            if (finished != null) {
                throw new IllegalStateException("cutover '" + props.getName() + "': the migration is finished; there is"
                        + " no stream to start");
            }
            if (switcher.current() != Side.BLUE) {
                // The earlier run's stream back to blue ended with it (its capture on green was removed, and
                // blue's guard lets only that run's stream write): a new one would miss green's writes since.
                noStream = "writes go to " + switcher.current() + " (the fleet's recorded live side) since an earlier"
                        + " run cut over; the stream back to blue ended with that run and cannot be resumed, so rollback,"
                        + " verify and finish are not available from this instance";
                LOG.warn("cutover '{}': {}", props.getName(), noStream);
                return;
            }
            ReplicationLink l = forward.get();
            try {
                l.stream().start();
            } catch (RuntimeException e) {
                l.close();
                throw e;
            }
            link = l;
            running = true;
            LOG.info("cutover '{}': {} stream {} -> {} started for tables {}", props.getName(), dialectName(),
                    l.source(), l.target(), props.getTables());
        } finally {
            lock.unlock();
        }
    }

    /** Closes the running stream and releases what it holds on the servers. Idempotent. */
    @Override
    public void stop() {
        lock.lock();
        try {
            running = false;
            ReplicationLink l = link;
            if (l != null) {
                l.close();
                LOG.info("cutover '{}': stream {} -> {} closed", props.getName(), l.source(), l.target());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return props.isStartOnBoot();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Moves writes from blue to green now, while the application keeps serving.
     *
     * @return the report, outcome FLIPPED
     * @throws IllegalStateException if writes already go to green, the stream is not running, or
     *     another cutover or rollback is running
     * @throws CutoverAbortedException if it gave up before the flip; writes stayed on blue, the
     *     stream still runs, and {@link #status()} shows the report
     * @throws io.cutover.PreflightException if a check failed before anything was touched
     */
    public CutoverReport cutover() {
        return move(Side.BLUE, "cutover");
    }

    /**
     * Moves writes back from green to blue, over the stream that has carried green's writes to
     * blue since the cutover.
     *
     * @return the report, outcome FLIPPED
     * @throws IllegalStateException if writes go to blue, the stream is not running, or another
     *     cutover or rollback is running
     * @throws CutoverAbortedException if it gave up before the flip; writes stayed on green
     * @throws io.cutover.PreflightException if a check failed before anything was touched
     */
    public CutoverReport rollback() {
        return move(Side.GREEN, "rollback");
    }

    private CutoverReport move(Side from, String what) {
        if (!lock.tryLock()) {
            throw new IllegalStateException("cutover '" + props.getName() + "': a cutover, rollback, start or stop is"
                    + " running; try again when it has finished");
        }
        try {
            ReplicationLink l = link;
            if (finished != null) {
                throw new IllegalStateException("cutover '" + props.getName() + "': the migration is finished; writes stay"
                        + " on " + switcher.current());
            }
            if (!running || l == null) {
                String why = noStream;
                throw new IllegalStateException("cutover '" + props.getName() + "': " + (why != null ? why
                        : "the stream is not running; start it first (cutover.start-on-boot, or CutoverOperations.start())"));
            }
            if (switcher.current() != from) {
                throw new IllegalStateException("cutover '" + props.getName() + "': cannot " + what + " from " + from
                        + ", writes go to " + switcher.current());
            }
            Cutover.Builder builder = Cutover.builder()
                    .name(props.getName())
                    .switcher(switcher)
                    .link(l)
                    .drainBudget(props.getBudgets().getDrain())
                    .catchUpBudget(props.getBudgets().getCatchUp())
                    .totalBudget(props.getBudgets().getTotal());
            listeners.get().forEach(builder::listener);
            Cutover cutover = builder.build();
            CutoverResult result;
            try {
                result = cutover.execute();
            } catch (CutoverAbortedException e) {
                last = CutoverReport.of(e.result());
                LOG.warn("cutover '{}': {} {} -> {} aborted, writes stayed on {}: {}", props.getName(), what, from,
                        from.other(), from, e.getMessage());
                throw e;
            }
            last = CutoverReport.of(result);
            link = cutover.reverseLink().orElseThrow(() -> new IllegalStateException("cutover '" + props.getName()
                    + "' flipped but left no reverse link"));
            LOG.info("cutover '{}': {} done{}{}", props.getName(), what, System.lineSeparator(), result.summary());
            return last;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Compares the side writes go to with the other side, table by table through the transforms,
     * while writes go on ({@link ReplicationLink#verify()}): a row that differs is read again after
     * a fence, so only differences that persist are reported. Blocks until done; the status keeps
     * the result.
     *
     * @return what was found
     * @throws IllegalStateException if the stream is not running or the migration is finished, or
     *     a cutover, rollback, start or stop is running
     * @throws io.cutover.CutoverException if a table cannot be read or a fence fails
     */
    public CutoverVerification verify() {
        if (!lock.tryLock()) {
            throw new IllegalStateException("cutover '" + props.getName() + "': a cutover, rollback, start or stop is"
                    + " running; try again when it has finished");
        }
        try {
            ReplicationLink l = link;
            if (finished != null || !running || l == null) {
                String why = finished != null ? "the migration is finished" : noStream != null ? noStream
                        : "the stream is not running";
                throw new IllegalStateException("cutover '" + props.getName() + "': " + why
                        + "; verify compares the two sides over the running stream");
            }
            CutoverVerification v = CutoverVerification.of(l.source() + " -> " + l.target(), l.verify());
            verified = v;
            LOG.info("cutover '{}': verified {}{}{}", props.getName(), v.direction(), System.lineSeparator(), v.summary());
            return v;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the migration: closes the running stream and removes what the library created on both
     * servers ({@link ReplicationLink#finish(FinishOptions)}). After a cutover, call it once no
     * rollback will be needed: writes stay on green, and blue keeps its write guard unless
     * {@code makeOldSideWritable}. Before any cutover it abandons the migration: writes stay on
     * blue, which stays writable. Afterwards cutover, rollback and start are refused.
     *
     * @param makeOldSideWritable whether to lift the old side's write guard too
     * @return what was removed from each server and what was left in place
     * @throws IllegalStateException if the stream never started, or a cutover, rollback, start or
     *     stop is running
     * @throws io.cutover.FinishIncompleteException if a removal failed; the rest was removed, and
     *     the exception lists what remains with the SQL that removes it
     */
    public FinishReport finish(boolean makeOldSideWritable) {
        if (!lock.tryLock()) {
            throw new IllegalStateException("cutover '" + props.getName() + "': a cutover, rollback, start or stop is"
                    + " running; try again when it has finished");
        }
        try {
            ReplicationLink l = link;
            if (l == null) {
                String why = noStream;
                throw new IllegalStateException("cutover '" + props.getName() + "': " + (why != null ? why
                        : "the stream never started, so there is nothing to finish"));
            }
            running = false;
            FinishReport report = l.finish(FinishOptions.builder().makeOldSideWritable(makeOldSideWritable).build());
            finished = report;
            LOG.info("cutover '{}': migration finished, writes stay on {}{}{}", props.getName(), switcher.current(),
                    System.lineSeparator(), report.summary());
            switcher.fleet().ifPresent(m -> LOG.warn("cutover '{}': fleet '{}' still records {} as the live side on both"
                    + " databases, and its members start there; before redeploying with the sides swapped in"
                    + " cutover.blue/cutover.green, drop the fleet's tables (see the finish report) or give the fleet"
                    + " a new cutover.fleet.name", props.getName(), m.fleet(), switcher.current()));
            return report;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns where writes go, how the stream is doing and the last cutover's report.
     *
     * @return the status now
     */
    public CutoverStatus status() {
        ReplicationLink l = link;
        boolean up = running;
        String live = switcher.current().toString();
        CutoverStatus.Fleet fleet = switcher.fleet().map(CutoverStatus.Fleet::of).orElse(null);
        if (l == null) {
            return new CutoverStatus(props.getName(), dialectName(), live, up, null, null,
                    ReplicationStream.State.NEW.name(), CutoverStatus.Lag.NONE, null, null, null, null, null, last,
                    verified, finished, null, fleet);
        }
        CutoverStatus.StreamPart s = CutoverStatus.streamPart(l.stream().status());
        return new CutoverStatus(props.getName(), dialectName(), live, up, s.name(), l.source() + " -> " + l.target(),
                s.state(), s.lag(), s.appliedPosition(), s.appliedTotal(), s.appliedPerSecond(), s.copy(), s.lastError(),
                last, verified, finished, s.recovery(), fleet);
    }

    /**
     * Returns the side writes go to now.
     *
     * @return blue or green
     */
    public Side liveSide() {
        return switcher.current();
    }

    /**
     * Returns the link now running: blue to green before a cutover, green to blue after it.
     *
     * @return the link, or empty before the stream started
     */
    public Optional<ReplicationLink> link() {
        return Optional.ofNullable(link);
    }

    private String dialectName() {
        return dialect;
    }
}
