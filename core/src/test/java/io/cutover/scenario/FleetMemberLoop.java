package io.cutover.scenario;

import io.cutover.ConnectionSwitcher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The body of a member JVM in {@link FleetScenario}: writes tagged rows through its switcher,
 * printing {@code READY <side>} once, then {@code ACK <tag>} for each committed write and
 * {@code ERR <tag> <why>} for each refused one, until its standard input closes; then {@code DONE}.
 * A dialect's member main builds the pools, the channel and the switcher, then calls {@link #run}.
 * A member told to join on a signal calls {@link #awaitJoinSignal()} first: it prints {@code WAITING}
 * and joins (builds its switcher) only when a line arrives on its standard input, so a test can time
 * the join to a moment of a cutover without waiting for a JVM to start.
 */
public final class FleetMemberLoop {

    /** The argument a member main takes, after its usual ones, to join on a signal. */
    public static final String JOIN_ON_SIGNAL = "join-on-signal";

    private static final BufferedReader STDIN = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private FleetMemberLoop() {
    }

    /**
     * Prints {@code WAITING} and blocks until a line (or EOF) arrives on standard input.
     *
     * @throws java.io.IOException if standard input cannot be read
     */
    public static void awaitJoinSignal() throws java.io.IOException {
        new PrintStream(System.out, true, StandardCharsets.UTF_8).println("WAITING");
        STDIN.readLine();
    }

    /**
     * Writes until standard input closes.
     *
     * @param id the member id
     * @param switcher the member's switcher
     * @param insertSql an insert with two parameters (tag, member) that sets origin and written_ms on the server
     */
    public static void run(String id, ConnectionSwitcher switcher, String insertSql) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AtomicBoolean stop = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = STDIN) {
                while (r.readLine() != null) {
                    // nothing is sent; EOF means stop
                }
            } catch (java.io.IOException ignored) {
                // the parent went away: stop too
            }
            stop.set(true);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        out.println("READY " + switcher.current());
        long n = 0;
        while (!stop.get()) {
            String tag = id + "-" + (n++);
            try (Connection c = switcher.getConnection(); PreparedStatement ps = c.prepareStatement(insertSql)) {
                ps.setString(1, tag);
                ps.setString(2, id);
                ps.executeUpdate();
                out.println("ACK " + tag);
            } catch (SQLException | RuntimeException e) {
                String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                out.println("ERR " + tag + " " + e.getClass().getSimpleName() + ": " + msg);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pace retries after a refusal
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a steady, modest write rate
        }
        out.println("DONE");
    }
}
