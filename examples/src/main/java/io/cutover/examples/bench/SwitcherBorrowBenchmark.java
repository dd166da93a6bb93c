package io.cutover.examples.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the switcher adds to a borrow: {@code getConnection()} + {@code close()} on a HikariCP pool
 * directly, and the same through a {@link io.cutover.ConnectionSwitcher} over that pool (a write
 * lease taken and returned, the live side read, the connection wrapped). No SQL runs, so the
 * difference is the switcher alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SwitcherBorrowBenchmark {
    private BenchDatabase db;

    /** Starts the server and the pools. */
    @Setup(Level.Trial)
    public void start() {
        db = BenchDatabase.start(4);
    }

    /** Stops them. */
    @TearDown(Level.Trial)
    public void stop() {
        db.close();
    }

    /**
     * Borrow and return on the pool itself: the baseline.
     *
     * @param hole keeps the connection observable
     * @throws SQLException never, with a healthy pool
     */
    @Benchmark
    public void pool(Blackhole hole) throws SQLException {
        try (Connection c = db.pool.getConnection()) {
            hole.consume(c);
        }
    }

    /**
     * Borrow and return through the switcher.
     *
     * @param hole keeps the connection observable
     * @throws SQLException never, with a healthy pool
     */
    @Benchmark
    public void switcher(Blackhole hole) throws SQLException {
        try (Connection c = db.switcher.getConnection()) {
            hole.consume(c);
        }
    }
}
