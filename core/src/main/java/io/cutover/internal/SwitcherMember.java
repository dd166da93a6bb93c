package io.cutover.internal;

import io.cutover.FleetMember;
import io.cutover.LiveSide;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetHeartbeat;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FleetMember} of one {@link LeasingConnectionSwitcher}: heartbeats on a schedule, runs
 * the coordinator's commands on its own switcher (one at a time, on the scheduler, never on the
 * signalling thread), gives up on a silent coordinator, and moves the switcher by itself when it
 * learns the fleet moved without it. The switcher asks it before each borrow and tells it of each
 * failed statement.
 */
public final class SwitcherMember implements FleetMember {
    private static final Logger log = LoggerFactory.getLogger(SwitcherMember.class);

    /**
     * What the builder validated.
     *
     * @param channel the fleet's channel
     * @param id the member id
     * @param heartbeatInterval how often to heartbeat
     * @param staleAfter how old a live member's heartbeat may be
     * @param coordinatorSilence how long a pausing coordinator may be silent
     * @param moveDrain the drain of a move the member makes by itself
     * @param clock the clock
     * @param scheduler the caller's scheduler, or null for the member's own
     */
    public record Settings(FleetChannel channel, String id, Duration heartbeatInterval, Duration staleAfter,
            Duration coordinatorSilence, Duration moveDrain, Clock clock, ScheduledExecutorService scheduler) {
    }

    private final Settings settings;
    private final FleetChannel channel;
    private final LeasingConnectionSwitcher switcher;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final Clock clock;
    private final ReentrantLock work = new ReentrantLock();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object signal = new Object();
    private long signals; // guarded by signal
    private volatile List<io.cutover.MemberPause> lastPauses = List.of();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile LiveSide known;
    private final MemberCommands commands;
    private volatile boolean coordinating;
    private AutoCloseable subscription;
    private volatile boolean heartbeatFailing;

    /**
     * Creates a member for a switcher; {@link #start()} joins the fleet.
     *
     * @param settings validated settings
     * @param switcher the switcher, already on the live side read at start
     * @param known the live side read at start, or null when the fleet never flipped
     */
    public SwitcherMember(Settings settings, LeasingConnectionSwitcher switcher, LiveSide known) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.channel = settings.channel();
        this.switcher = Objects.requireNonNull(switcher, "switcher");
        this.clock = settings.clock();
        this.known = known;
        this.ownScheduler = settings.scheduler() == null;
        this.scheduler = ownScheduler ? Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "cutover-fleet-" + settings.id());
            t.setDaemon(true);
            return t;
        }) : settings.scheduler();
        this.commands = new MemberCommands(this, channel, switcher, clock);
    }

    /**
     * Reads the durable live side for a switcher about to be built.
     *
     * @param channel the channel
     * @return the live side, or empty when the fleet never flipped
     */
    public static Optional<LiveSide> readLive(FleetChannel channel) {
        return channel.readLiveSide();
    }

    /**
     * Registers, heartbeats once, then schedules heartbeats and the command poll. A cutover's PAUSE
     * still open when the member joins (no FLIP or RESUME of that cutover after it) is taken as if
     * heard: the member starts paused, so its first writes wait for the flip instead of going to the
     * side being left; its coordinator-silence bound still applies.
     */
    public void start() {
        work.lock();
        try {
            commands.startAfter(MemberCommands.joinCursor(channel.commandsAfter(0)));
            commands.step();
        } finally {
            work.unlock();
        }
        beat(false);
        long hb = settings.heartbeatInterval().toMillis();
        long poll = Math.max(1, channel.pollInterval().toMillis());
        synchronized (tasks) {
            tasks.add(scheduler.scheduleAtFixedRate(() -> beat(true), hb, hb, TimeUnit.MILLISECONDS));
            tasks.add(scheduler.scheduleWithFixedDelay(this::process, poll, poll, TimeUnit.MILLISECONDS));
        }
        subscription = channel.subscribe(this::wake);
        log.info("fleet '{}': member {} joined on {} (live side {})", fleet(), id(), switcher.current(),
                known == null ? "never recorded" : known);
    }

    @Override
    public String id() {
        return settings.id();
    }

    @Override
    public String fleet() {
        return channel.fleet();
    }

    @Override
    public Optional<LiveSide> liveSide() {
        return Optional.ofNullable(known);
    }

    @Override
    public boolean behind() {
        LiveSide k = known;
        return k != null && k.side() != switcher.current();
    }

    FleetChannel channel() {
        return channel;
    }

    LeasingConnectionSwitcher switcher() {
        return switcher;
    }

    Settings settings() {
        return settings;
    }

    /** Called by the switcher with a lease held, before a connection is opened on {@code side}. */
    void checkBorrow(Side side) throws SQLException {
        LiveSide k = known;
        if (k != null && k.side() != side) {
            wake();
            throw new SQLTransientConnectionException("fleet '" + fleet() + "': this instance writes to " + side
                    + " but the fleet's live side is " + k + "; it is moving there now, retry shortly", "08001");
        }
    }

    /** Called by the switcher when a statement failed: a guard's refusal makes the member look again. */
    void failed(SQLException e) {
        if (closed.get() || !channel.isGuardRefusal(e) || !checking.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                try {
                    learn(channel.readLiveSide().orElse(null));
                } catch (RuntimeException ex) {
                    log.warn("fleet '{}': member {} could not read the live side after a guard refusal: {}", fleet(), id(),
                            ex.getMessage());
                } finally {
                    checking.set(false);
                }
                process();
            });
        } catch (RuntimeException rejected) {
            checking.set(false);
        }
    }

    /** Takes in a live side newer than the one known. */
    void learn(LiveSide live) {
        if (live == null) {
            return;
        }
        synchronized (signal) {
            if (!live.newerThan(known)) {
                return;
            }
            known = live;
        }
        if (live.side() != switcher.current() && !commands.paused() && !coordinating) {
            log.warn("fleet '{}': member {} is on {} but the fleet's live side is {}; moving there", fleet(), id(),
                    switcher.current(), live);
            wake();
        }
    }

    /** Sets the known live side, newer or not: a coordinator recorded it (or undid its record). */
    void noteLive(LiveSide live) {
        synchronized (signal) {
            known = live;
        }
    }

    void coordinating(boolean on) {
        coordinating = on;
    }

    boolean isCoordinating() {
        return coordinating;
    }

    LiveSide known() {
        return known;
    }

    /** Takes in a live side if it is newer than the one known, quietly (a coordinator told us). */
    void raiseKnown(LiveSide live) {
        synchronized (signal) {
            if (live.newerThan(known)) {
                known = live;
            }
        }
    }

    /** Live members other than this one. */
    List<String> liveOthers() {
        Duration bound = settings.staleAfter();
        List<String> live = new ArrayList<>();
        channel.heartbeatAges().forEach((m, age) -> {
            if (!m.equals(id()) && age.compareTo(bound) <= 0) {
                live.add(m);
            }
        });
        return live;
    }

    @Override
    public List<io.cutover.MemberPause> lastPauses() {
        return lastPauses;
    }

    /** Keeps the pauses of the cutover this member just coordinated. */
    void reportPauses(List<io.cutover.MemberPause> pauses) {
        lastPauses = List.copyOf(pauses);
    }

    /** Counts the channel's signals; read it before looking, then wait with {@link #awaitSignal(long, long)}. */
    long signals() {
        synchronized (signal) {
            return signals;
        }
    }

    /** Waits for a signal from the channel, at most {@code millis}. */
    void awaitSignal(long millis) throws InterruptedException {
        synchronized (signal) {
            signal.wait(Math.max(1, millis));
        }
    }

    /**
     * Waits at most {@code millis} for a signal after the one counted as {@code seen}; returns at once
     * when one came meanwhile (a signal while the caller was reading is not lost to it).
     */
    void awaitSignal(long seen, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(1, millis) * 1_000_000L;
        synchronized (signal) {
            while (signals == seen) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return;
                }
                signal.wait(left);
            }
        }
    }

    private void wake() {
        synchronized (signal) {
            signals++;
            signal.notifyAll();
        }
        if (closed.get() || !queued.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                queued.set(false);
                process();
            });
        } catch (RuntimeException rejected) {
            queued.set(false);
        }
    }

    private void beat(boolean readLive) {
        if (closed.get()) {
            return;
        }
        try {
            channel.heartbeat(new FleetHeartbeat(id(), switcher.current(), known == null ? 0 : known.generation(),
                    commands.paused(), clock.millis()));
            if (readLive) {
                learn(channel.readLiveSide().orElse(null));
            }
            if (heartbeatFailing) {
                heartbeatFailing = false;
                log.info("fleet '{}': member {} heartbeats again", fleet(), id());
            }
        } catch (RuntimeException e) {
            if (!heartbeatFailing) {
                heartbeatFailing = true;
                log.warn("fleet '{}': member {} could not heartbeat ({}); it keeps trying, and a coordinator will not"
                        + " wait for it meanwhile", fleet(), id(), e.getMessage());
            }
        }
    }

    /** Runs new commands, the silence check and a pending move; one caller at a time, the others ask again. */
    void process() {
        if (closed.get()) {
            return;
        }
        if (!work.tryLock()) {
            again.set(true);
            return;
        }
        try {
            do {
                again.set(false);
                commands.step();
            } while (again.get() && !closed.get());
        } catch (RuntimeException e) {
            log.warn("fleet '{}': member {} could not handle fleet commands: {}", fleet(), id(), e.getMessage(), e);
        } finally {
            work.unlock();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (tasks) {
            tasks.forEach(t -> t.cancel(false));
        }
        try {
            if (subscription != null) {
                subscription.close();
            }
        } catch (Exception e) {
            log.debug("fleet '{}': closing the subscription failed", fleet(), e);
        }
        try {
            channel.leave(id());
        } catch (RuntimeException e) {
            log.warn("fleet '{}': member {} could not remove its row: {}", fleet(), id(), e.getMessage());
        }
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
        log.info("fleet '{}': member {} left", fleet(), id());
    }

    @Override
    public String toString() {
        return "FleetMember[" + fleet() + "/" + id() + ", " + switcher.current() + ", live " + known + "]";
    }
}
