package io.cutover.contract;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.awaitility.Awaitility;

/**
 * Application writers for the schema-change tests: threads that insert, update and delete users
 * through the switcher, one connection per write as a request would, and remember every
 * acknowledged write so the test can tell that none was lost. Each thread owns its own ids.
 */
public final class SchemaChangeWriters implements AutoCloseable {

    /** How the application writes a user, given which schema (v1 on blue, v2 on green) it talks to. */
    public interface Writes {
        void insert(Connection c, boolean green, long id, String name, String email) throws SQLException;

        void update(Connection c, boolean green, long id, String name, String email) throws SQLException;

        void delete(Connection c, boolean green, long id) throws SQLException;
    }

    private static final String[] NAMES = {"Ada Lovelace", "Alan Turing", "Grace Brewster Hopper", "Cher",
        "Edsger W. Dijkstra", "Barbara Liskov", "Donald Knuth", "Radia Perlman"};

    private final DataSource switcher;
    private final Predicate<Connection> green;
    private final Writes writes;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong ackedOnGreen = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<Long, String[]> expected = new ConcurrentHashMap<>();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    public SchemaChangeWriters(DataSource switcher, Predicate<Connection> green, Writes writes, int threadCount) {
        this.switcher = switcher;
        this.green = green;
        this.writes = writes;
        for (int t = 0; t < threadCount; t++) {
            long base = (t + 1) * 1_000_000L;
            Thread thread = new Thread(() -> run(base), "schema-change-writer-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void run(long base) {
        List<Long> mine = new ArrayList<>();
        long next = base;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            int dice = random.nextInt(10);
            String name = NAMES[random.nextInt(NAMES.length)];
            try (Connection c = switcher.getConnection()) {
                boolean onGreen = green.test(c);
                if (dice < 6 || mine.isEmpty()) {
                    long id = next++;
                    String email = "u" + id + "@example.org";
                    writes.insert(c, onGreen, id, name, email);
                    mine.add(id);
                    expected.put(id, new String[] {name, email});
                } else if (dice < 9) {
                    long id = mine.get(random.nextInt(mine.size()));
                    String email = "u" + id + "+" + random.nextInt(1000) + "@example.org";
                    writes.update(c, onGreen, id, name, email);
                    expected.put(id, new String[] {name, email});
                } else {
                    long id = mine.remove(random.nextInt(mine.size()));
                    writes.delete(c, onGreen, id);
                    expected.remove(id);
                }
                acked.incrementAndGet();
                if (onGreen) {
                    ackedOnGreen.incrementAndGet();
                }
            } catch (SQLException | RuntimeException e) {
                // Not acknowledged, so not expected: a write refused across a flip never ran.
                failed.incrementAndGet();
                if (failures.size() < 20) {
                    failures.add(e.toString());
                }
            }
        }
    }

    /** Waits until at least {@code more} further writes were acknowledged. */
    public void awaitMore(long more) {
        long target = acked.get() + more;
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acked.get() >= target);
    }

    public long acked() {
        return acked.get();
    }

    public long ackedOnGreen() {
        return ackedOnGreen.get();
    }

    public long failed() {
        return failed.get();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Every acknowledged user still alive: id to {name, email}. Call after {@link #close()}. */
    public Map<Long, String[]> expected() {
        return new LinkedHashMap<>(expected);
    }

    /** Stops the writers and waits for each to finish its write in flight. */
    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the writers", e);
            }
        }
    }
}
