package io.cutover.testing;

import io.cutover.CutoverException;
import io.cutover.LiveSide;
import io.cutover.Phase;
import io.cutover.Side;
import io.cutover.spi.FleetAck;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.FleetHeartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fleet's store with no database: what the JDBC channel keeps in control tables, kept in
 * memory, shared by every {@link FleetChannel} it hands out, so several switchers in one JVM form a
 * fleet in a unit test. Each side's copy of the live side can be taken down to test a member that
 * starts while one database is unreachable, and the whole store can go quiet (every call fails).
 *
 * <pre>{@code
 * InMemoryFleet fleet = InMemoryFleet.named("orders");
 * ConnectionSwitcher a = ConnectionSwitcher.builder().blue(blueA).green(greenA)
 *         .fleet(FleetMember.builder(fleet.channel()).memberId("a")).build();
 * ConnectionSwitcher b = ConnectionSwitcher.builder().blue(blueB).green(greenB)
 *         .fleet(FleetMember.builder(fleet.channel()).memberId("b")).build();
 * Cutover.builder().switcher(a).link(link).build().execute();   // b flips too
 * }</pre>
 *
 * <p>Wake-ups are delivered on one thread of the store's, never on the caller's. Thread-safe.
 */
public final class InMemoryFleet implements AutoCloseable {
    private final String name;
    private final Duration pollInterval;
    private final Map<String, FleetHeartbeat> members = new LinkedHashMap<>(); // guarded by this
    private final List<FleetCommand> commands = new ArrayList<>(); // guarded by this
    private final Map<Long, Map<String, FleetAck>> acks = new LinkedHashMap<>(); // guarded by this
    private final Map<Side, LiveSide> live = new EnumMap<>(Side.class); // guarded by this
    private final Set<Side> down = EnumSet.noneOf(Side.class); // guarded by this
    private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private final ExecutorService signals;

    private InMemoryFleet(String name, Duration pollInterval) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.signals = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "in-memory-fleet-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates an empty store for a fleet; members poll it every 20 ms besides being woken.
     *
     * @param name the fleet's name
     * @return the store
     * @throws NullPointerException if name is null
     */
    public static InMemoryFleet named(String name) {
        return new InMemoryFleet(Objects.requireNonNull(name, "name"), Duration.ofMillis(20));
    }

    /**
     * Returns a channel to this store, one per member (closing it closes only its subscriptions).
     *
     * @return a new channel
     */
    public FleetChannel channel() {
        return new Channel();
    }

    /**
     * Makes one database's copy of the live side unreachable (reads and writes of it fail) or
     * reachable again.
     *
     * @param side the database
     * @param isDown whether it is down
     */
    public synchronized void sideDown(Side side, boolean isDown) {
        if (isDown) {
            down.add(side);
        } else {
            down.remove(side);
        }
    }

    /**
     * Sets one database's copy of the live side, as a test's starting point.
     *
     * @param side the database holding the copy
     * @param record the record
     */
    public synchronized void liveSideOn(Side side, LiveSide record) {
        live.put(Objects.requireNonNull(side, "side"), Objects.requireNonNull(record, "record"));
    }

    /**
     * Returns one database's copy of the live side.
     *
     * @param side the database
     * @return its record, or empty
     */
    public synchronized Optional<LiveSide> liveSideOn(Side side) {
        return Optional.ofNullable(live.get(side));
    }

    /**
     * Returns every command published, oldest first.
     *
     * @return a copy
     */
    public synchronized List<FleetCommand> commands() {
        return List.copyOf(commands);
    }

    /**
     * Returns the member rows.
     *
     * @return a copy
     */
    public synchronized List<FleetHeartbeat> members() {
        return List.copyOf(members.values());
    }

    /** Stops the wake-up thread. */
    @Override
    public void close() {
        signals.shutdownNow();
    }

    private void signal() {
        if (!signals.isShutdown()) {
            try {
                signals.execute(() -> subscribers.forEach(Runnable::run));
            } catch (RuntimeException ignored) {
                // shut down meanwhile
            }
        }
    }

    @Override
    public String toString() {
        return "InMemoryFleet[" + name + "]";
    }

    private final class Channel implements FleetChannel {
        private final List<Runnable> mine = new CopyOnWriteArrayList<>();

        @Override
        public String fleet() {
            return name;
        }

        @Override
        public Duration pollInterval() {
            return pollInterval;
        }

        @Override
        public void heartbeat(FleetHeartbeat beat) {
            // Stamped with the store's clock, as the JDBC channel stamps the database's: members' clocks may disagree.
            FleetHeartbeat stamped = new FleetHeartbeat(beat.member(), beat.side(), beat.generation(), beat.paused(),
                    System.currentTimeMillis());
            synchronized (InMemoryFleet.this) {
                members.put(beat.member(), stamped);
            }
        }

        @Override
        public List<FleetHeartbeat> members() {
            return InMemoryFleet.this.members();
        }

        @Override
        public void leave(String member) {
            synchronized (InMemoryFleet.this) {
                members.remove(member);
            }
        }

        @Override
        public FleetCommand publish(FleetCommand command) {
            FleetCommand numbered;
            synchronized (InMemoryFleet.this) {
                numbered = command.withSeq(commands.size() + 1L);
                commands.add(numbered);
            }
            signal();
            return numbered;
        }

        @Override
        public List<FleetCommand> commandsAfter(long seq) {
            synchronized (InMemoryFleet.this) {
                return List.copyOf(commands.subList((int) Math.min(Math.max(0, seq), commands.size()), commands.size()));
            }
        }

        @Override
        public long latestSeq() {
            synchronized (InMemoryFleet.this) {
                return commands.size();
            }
        }

        @Override
        public void ack(FleetAck ack) {
            synchronized (InMemoryFleet.this) {
                acks.computeIfAbsent(ack.seq(), k -> new LinkedHashMap<>()).put(ack.member(), ack);
            }
            signal();
        }

        @Override
        public List<FleetAck> acks(long seq) {
            synchronized (InMemoryFleet.this) {
                return List.copyOf(acks.getOrDefault(seq, Map.of()).values());
            }
        }

        @Override
        public Optional<LiveSide> readLiveSide() {
            synchronized (InMemoryFleet.this) {
                if (down.size() == 2) {
                    throw new CutoverException(Phase.PREFLIGHT, "fleet '" + name + "': both databases are down");
                }
                LiveSide best = null;
                for (Map.Entry<Side, LiveSide> e : live.entrySet()) {
                    if (!down.contains(e.getKey()) && e.getValue().newerThan(best)) {
                        best = e.getValue();
                    }
                }
                return Optional.ofNullable(best);
            }
        }

        @Override
        public void recordLiveSide(LiveSide record) {
            synchronized (InMemoryFleet.this) {
                for (Side s : Side.values()) {
                    if (!down.contains(s)) {
                        live.put(s, record);
                    }
                }
                if (!down.isEmpty()) {
                    throw new CutoverException(Phase.FLIP, "fleet '" + name + "': could not record " + record + " on " + down
                            + " (down)");
                }
            }
        }

        @Override
        public AutoCloseable subscribe(Runnable wakeUp) {
            Objects.requireNonNull(wakeUp, "wakeUp");
            subscribers.add(wakeUp);
            mine.add(wakeUp);
            return () -> {
                subscribers.remove(wakeUp);
                mine.remove(wakeUp);
            };
        }

        @Override
        public void close() {
            subscribers.removeAll(mine);
            mine.clear();
        }

        @Override
        public String toString() {
            return "in-memory channel of fleet '" + name + "'";
        }
    }
}
