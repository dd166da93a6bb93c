package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.ConnectionSwitcher;
import io.cutover.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The load of a fault scenario: writer threads committing single-row transactions through the
 * switcher into a table {@code (id, writer, seq)}, each id recorded as acknowledged, or uncertain
 * when its commit failed; and the checks afterwards, that nothing acknowledged is missing and both
 * sides are equal. Paced writers commit about 250 transactions a second each; unpaced ones as
 * fast as they can.
 */
final class FaultLoad implements AutoCloseable {

    private final Sides sides;
    private final String table;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    private final List<Writer> writers = new ArrayList<>();
    private final CountDownLatch finished;

    /** One writer: single-row transactions, each id recorded as acknowledged, or uncertain when its commit failed. */
    private static final class Writer implements Runnable {
        final int id;
        final ConnectionSwitcher switcher;
        final String table;
        final AtomicBoolean stop;
        final ConcurrentLinkedQueue<Long> acked;
        final boolean paced;
        final Set<Long> uncertain = ConcurrentHashMap.newKeySet();
        final AtomicLong failures = new AtomicLong();
        long seq;

        Writer(int id, ConnectionSwitcher switcher, String table, AtomicBoolean stop, ConcurrentLinkedQueue<Long> acked,
                boolean paced) {
            this.id = id;
            this.switcher = switcher;
            this.table = table;
            this.stop = stop;
            this.acked = acked;
            this.paced = paced;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                long key = id * 1_000_000_000L + (++seq);
                boolean committing = false;
                try (Connection c = switcher.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
                        ps.setLong(1, key);
                        ps.setInt(2, id);
                        ps.setLong(3, seq);
                        ps.executeUpdate();
                    }
                    committing = true;
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    if (committing) {
                        uncertain.add(key); // a restart may end the session between commit and acknowledgement
                    }
                    failures.incrementAndGet();
                    pause(20); // the server may be down: do not spin
                    continue;
                }
                acked.add(key);
                if (paced) {
                    pause(4); // about 250 transactions a second a writer: load, not a stress test on two cores
                }
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts {@code count} writers through {@code switcher}.
     *
     * @param sides the servers, read directly for the checks
     * @param switcher where the writers take their connections
     * @param table the table, {@code (id BIGINT PRIMARY KEY, writer INT, seq BIGINT)}
     * @param count how many writers
     * @param paced whether each writer keeps to about 250 transactions a second
     */
    FaultLoad(Sides sides, ConnectionSwitcher switcher, String table, int count, boolean paced) {
        this.sides = sides;
        this.table = table;
        this.finished = new CountDownLatch(count);
        for (int w = 1; w <= count; w++) {
            Writer writer = new Writer(w, switcher, table, stop, acked, paced);
            writers.add(writer);
            Thread t = new Thread(() -> {
                try {
                    writer.run();
                } finally {
                    finished.countDown();
                }
            }, "writer-" + w);
            t.start();
        }
    }

    /** @return how many transactions were acknowledged so far */
    int ackedCount() {
        return acked.size();
    }

    /** @return the ids acknowledged so far */
    List<Long> acked() {
        return new ArrayList<>(acked);
    }

    /** @return the ids whose commit failed without an answer */
    int uncertainCount() {
        return writers.stream().mapToInt(w -> w.uncertain.size()).sum();
    }

    /** @return the writers' failed transactions */
    long failures() {
        return writers.stream().mapToLong(w -> w.failures.get()).sum();
    }

    /** Stops the writers and waits for them. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        finished.await();
    }

    /**
     * Checks, once the writers stopped and the stream applied a fence: nothing acknowledged is
     * missing on {@code side}, both sides are equal, and neither has a row no writer committed.
     *
     * @param side where every acknowledged write must be
     * @throws SQLException if a side cannot be read
     */
    void assertCompleteAndEqual(Side side) throws SQLException {
        List<Long> all = acked();
        assertThat(missing(side, all)).as("acknowledged, missing on %s", side).isEmpty();
        List<List<Long>> blueRows = rows(Side.BLUE);
        assertThat(rows(Side.GREEN)).as("green equals blue").isEqualTo(blueRows);
        Set<Long> known = new HashSet<>(all);
        writers.forEach(w -> known.addAll(w.uncertain));
        assertThat(blueRows.stream().map(r -> r.get(0)).filter(id -> !known.contains(id)).toList())
                .as("rows no writer committed").isEmpty();
    }

    /**
     * Returns the given ids a side does not have.
     *
     * @param side the side
     * @param ids the ids
     * @return those missing
     * @throws SQLException if the side cannot be read
     */
    List<Long> missing(Side side, List<Long> ids) throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection c = sides.app(side).getConnection(); Statement st = c.createStatement()) {
            for (int from = 0; from < ids.size(); from += 1000) {
                String in = ids.subList(from, Math.min(ids.size(), from + 1000)).stream().map(String::valueOf)
                        .collect(Collectors.joining(","));
                try (ResultSet rs = st.executeQuery("SELECT id FROM " + table + " WHERE id IN (" + in + ")")) {
                    while (rs.next()) {
                        present.add(rs.getLong(1));
                    }
                }
            }
        }
        return ids.stream().filter(id -> !present.contains(id)).toList();
    }

    private List<List<Long>> rows(Side side) throws SQLException {
        List<List<Long>> out = new ArrayList<>();
        try (Connection c = sides.app(side).getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, writer, seq FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                out.add(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return out;
    }
}
