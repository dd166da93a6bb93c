package io.cutover.scenario;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.GuardRecovery;
import io.cutover.Phase;
import io.cutover.ReplicationLink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The body of a coordinator JVM in {@link CoordinatorKilledScenario}: the process that hosts the
 * forward stream, writes through its own switcher (a fleet member) and runs {@code Cutover.execute()}.
 * It prints {@code ACK <tag>} for each committed write and {@code ERR <tag> <why>} for each refused one,
 * as {@link FleetMemberLoop} does, plus what it reached. Two modes, the first of the arguments:
 * <ul>
 *   <li>{@code kill-at <PHASE> <started|finished>}: starts the stream, writes, then executes a cutover
 *       whose listener prints {@code HOLD <PHASE>} at that moment and blocks there for good (the test kills
 *       the JVM);</li>
 *   <li>{@code restart}: the same process started again as production would: lifts a guard its dead
 *       predecessor left if the fleet proves that safe ({@code RECOVERY <action> <live side>}), resumes the
 *       stream when the source is still live, writes; a line on standard input (empty, or {@code CUTOVER}) runs a cutover
 *       ({@code FLIPPED} or {@code CUTOVER-FAILED}); EOF stops the writes, waits for the running stream to
 *       catch up ({@code CAUGHT-UP}), releases the guards and prints {@code DONE}.</li>
 * </ul>
 */
public final class CoordinatorLoop {

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private CoordinatorLoop() {
    }

    /**
     * Runs the mode.
     *
     * @param mode the mode and its arguments
     * @param name the cutover's name (the same in every incarnation)
     * @param switcher this process's switcher, a fleet member
     * @param link the forward link, built with the same names in every incarnation
     * @param insertSql the insert (tag, member)
     */
    public static void run(List<String> mode, String name, ConnectionSwitcher switcher, ReplicationLink link, String insertSql)
            throws Exception {
        OUT.println("STARTED " + System.currentTimeMillis());
        ReplicationLink running = link;
        GuardRecovery recovery = null;
        if (mode.get(0).equals("restart")) {
            recovery = Cutover.liftLeftoverGuard(switcher, link);
            OUT.println("RECOVERY " + recovery.action() + " " + recovery.live().name() + " " + recovery.detail());
        }
        // Writes start before the streams: a restarted service takes writes as soon as it is up.
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = writer(switcher, insertSql, mode.get(0).equals("restart") ? "r" : "k", stop);
        if (recovery != null && recovery.live() != link.source()) {
            running = reverse(link);
        }
        if (running == link) {
            link.stream().start();
            link.stream().awaitFence(Duration.ofSeconds(60));
            OUT.println("STREAMING");
        }
        if (mode.get(0).startsWith("kill-at")) {
            awaitAcks(200);
            cutover(name, switcher, link, holder(mode)).execute(); // held by the listener until killed
            return;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isEmpty() || line.equals("CUTOVER")) {
                try {
                    Cutover cutover = cutover(name, switcher, running, new CutoverListener() { });
                    CutoverResult result = cutover.execute();
                    running = cutover.reverseLink().orElseThrow();
                    OUT.println("FLIPPED " + result.writePause().toMillis());
                } catch (RuntimeException e) {
                    OUT.println("CUTOVER-FAILED " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
        stop.set(true);
        writer.join(TimeUnit.SECONDS.toMillis(30));
        running.stream().awaitFence(Duration.ofSeconds(60));
        OUT.println("CAUGHT-UP");
        running.close();
        running.sourceGuard().release();
        running.targetGuard().release();
        OUT.println("DONE");
    }

    private static Cutover cutover(String name, ConnectionSwitcher switcher, ReplicationLink link, CutoverListener listener) {
        // Lag and budgets loose enough for a loaded 2-core machine: the moment of the kill is the point, not the pause.
        return Cutover.builder().name(name).switcher(switcher).link(link).drainBudget(Duration.ofSeconds(1))
                .maxLagToStart(new io.cutover.Lag(100_000, Duration.ofSeconds(60)))
                .totalBudget(Duration.ofSeconds(30)).catchUpBudget(Duration.ofSeconds(20)).listener(listener).build();
    }

    // After a flip the process died in, the old side is the target: the reverse direction carries green's writes back.
    private static ReplicationLink reverse(ReplicationLink link) {
        try {
            ReplicationLink back = link.prepareReverse();
            back.stream().start();
            OUT.println("REVERSE-STREAMING");
            link.close(); // what the dead process would have done after its flip: the forward capture's resources go
            OUT.println("FORWARD-CLOSED");
            return back;
        } catch (RuntimeException e) {
            OUT.println("REVERSE-FAILED " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return link;
        }
    }

    private static volatile long acks;

    private static void awaitAcks(long n) {
        while (acks < n) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static CutoverListener holder(List<String> mode) {
        Phase at = Phase.valueOf(mode.get(1));
        boolean finished = mode.get(2).equals("finished");
        return new CutoverListener() {
            @Override
            public void phaseStarted(String cutover, Phase phase) {
                if (phase == at && !finished) {
                    hold(phase);
                }
            }

            @Override
            public void phaseFinished(String cutover, Phase phase, Duration took) {
                if (phase == at && finished) {
                    hold(phase);
                }
            }
        };
    }

    private static void hold(Phase phase) {
        OUT.println("HOLD " + phase);
        while (true) {
            LockSupport.park(); // until SIGKILL
        }
    }

    private static Thread writer(ConnectionSwitcher switcher, String insertSql, String prefix, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            long n = 0;
            boolean first = true;
            while (!stop.get()) {
                String tag = prefix + "-" + (n++);
                try (Connection c = switcher.getConnection(); PreparedStatement ps = c.prepareStatement(insertSql)) {
                    ps.setString(1, tag);
                    ps.setString(2, "coordinator");
                    ps.executeUpdate();
                    OUT.println("ACK " + tag);
                    acks++;
                    if (first) {
                        OUT.println("FIRST-ACK " + System.currentTimeMillis());
                        first = false;
                    }
                } catch (SQLException | RuntimeException e) {
                    OUT.println("ERR " + tag + " " + e.getClass().getSimpleName() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }, "coordinator-writes");
        t.start();
        return t;
    }
}
