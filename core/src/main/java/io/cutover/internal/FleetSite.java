package io.cutover.internal;

import io.cutover.CutoverException;
import io.cutover.DrainTimeoutException;
import io.cutover.LiveSide;
import io.cutover.MemberPause;
import io.cutover.Phase;
import io.cutover.Side;
import io.cutover.spi.FleetAck;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WriteSite} of a whole fleet, driven from the member that runs the cutover: it pauses
 * locally and every live member through the channel (any nack or missing ack resumes all and
 * fails the pause), records the new live side durably before it flips anyone, then flips locally
 * and publishes FLIP, on which each member flips and resumes at once. The coordinator does not wait
 * for FLIP acks on the pause's path: once the live side is recorded, a member that missed the FLIP
 * cannot write to the old side (its guard refuses, the member refuses itself once it sees the
 * record). The acks, with each member's own pause, are collected afterwards on a thread of their
 * own. An abort or a rehearsal resumes members with RESUME. Used by one cutover run on one thread.
 */
final class FleetSite implements WriteSite {
    private static final Logger log = LoggerFactory.getLogger(FleetSite.class);

    private final SwitcherMember member;
    private final FleetChannel channel;
    private final String cutoverName;
    private final Duration hold;
    private final Duration flipAckBudget;
    /** Commands (and their acks) kept in the channel; older ones are pruned after each cutover. */
    static final int KEEP_COMMANDS = 60;
    /** The longest the coordinator waits, after an abort or a rehearsal, for members to report their pause. */
    static final long RESUME_REPORT_MILLIS = 2_000;

    private String cutoverId;
    private long pausedAt; // nanoTime when the local drain ended
    private List<String> awaited = List.of();
    private boolean paused;
    private FleetCommand flip; // this run's FLIP once published

    /**
     * Creates the site.
     *
     * @param member the coordinator's own member
     * @param cutoverName the cutover's name, for messages
     * @param hold the longest the cutover may keep writes paused; members give up past it
     * @param flipAckBudget how long to wait, off the pause's path, for members' flip acks before warning
     */
    FleetSite(SwitcherMember member, String cutoverName, Duration hold, Duration flipAckBudget) {
        this.member = Objects.requireNonNull(member, "member");
        this.channel = member.channel();
        this.cutoverName = cutoverName;
        this.hold = hold;
        this.flipAckBudget = flipAckBudget;
    }

    @Override
    public void pause(Duration drainBudget) {
        cutoverId = cutoverName + "-" + UUID.randomUUID().toString().substring(0, 8);
        flip = null;
        long started = System.nanoTime();
        awaited = member.liveOthers();
        member.coordinating(true);
        FleetCommand pause;
        try {
            pause = channel.publish(command(FleetCommand.Kind.PAUSE, null, 0, drainBudget.toMillis(), hold.toMillis()));
        } catch (RuntimeException e) {
            member.coordinating(false);
            throw new CutoverException(Phase.PAUSE, "fleet '" + channel.fleet() + "': could not publish the pause of cutover '"
                    + cutoverName + "': " + e.getMessage() + "; nothing was paused", e);
        }
        long published = System.nanoTime();
        try {
            member.switcher().pauser().pause(drainBudget);
        } catch (RuntimeException e) {
            resumeOthers();
            member.coordinating(false);
            throw e;
        }
        long localDone = System.nanoTime();
        pausedAt = published; // writes here stopped when the local pause began
        long grace = Math.max(100, 4 * channel.pollInterval().toMillis());
        Map<String, String> failed = await(pause.seq(), awaited, started + (drainBudget.toMillis() + grace) * 1_000_000L);
        long acked = System.nanoTime();
        long addedPauseMillis = Math.max(0, (acked - localDone) / 1_000_000);
        if (!failed.isEmpty()) {
            resumeOthers();
            member.switcher().pauser().resume();
            member.coordinating(false);
            StringBuilder who = new StringBuilder();
            failed.forEach((m, why) -> who.append(who.length() == 0 ? "" : ", ").append(m).append(" (").append(why).append(')'));
            throw new DrainTimeoutException("fleet '" + channel.fleet() + "': cutover '" + cutoverName + "': " + failed.size()
                    + " of " + awaited.size() + " member(s) did not drain: " + who + "; writes resumed on "
                    + member.switcher().current() + " on every member. Close connections promptly on those"
                    + " instances or raise the drain budget", failed.size());
        }
        paused = true;
        log.info("fleet '{}': cutover '{}' paused {} member(s) and this one; the fleet added {} ms to the local drain"
                + " (publish {} ms, local drain {} ms, acks {} ms)", channel.fleet(), cutoverName, awaited.size(),
                addedPauseMillis, millis(started, published), millis(published, localDone), millis(localDone, acked));
    }

    /** Members that nacked or did not answer by the deadline, with why. */
    private Map<String, String> await(long seq, List<String> members, long deadlineNanos) {
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, FleetAck> got = new HashMap<>();
        long poll = Math.max(1, channel.pollInterval().toMillis());
        while (true) {
            long seen = member.signals(); // before reading, so an ack signalled meanwhile is not waited for
            for (FleetAck a : channel.acks(seq)) {
                got.put(a.member(), a);
            }
            boolean nack = got.values().stream().anyMatch(a -> !a.ok() && members.contains(a.member()));
            boolean all = got.keySet().containsAll(members);
            long left = deadlineNanos - System.nanoTime();
            if (all || nack || left <= 0) {
                break;
            }
            try {
                member.awaitSignal(seen, Math.min(poll, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (String m : members) {
            FleetAck a = got.get(m);
            if (a == null) {
                failed.put(m, "no answer in time");
            } else if (!a.ok()) {
                failed.put(m, "nack: " + a.detail());
            }
        }
        return failed;
    }

    @Override
    public void flipTo(Side side) {
        long started = System.nanoTime();
        Side from = member.switcher().current();
        LiveSide base = member.liveSide().orElse(null);
        LiveSide read = channel.readLiveSide().orElse(null);
        if (read != null && read.newerThan(base)) {
            base = read;
        }
        long generation = base == null ? 0 : base.generation();
        LiveSide next = new LiveSide(side, generation + 1);
        try {
            channel.recordLiveSide(next);
        } catch (RuntimeException e) {
            LiveSide undo = new LiveSide(from, generation + 2);
            try {
                channel.recordLiveSide(undo);
                member.noteLive(undo);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
                log.error("fleet '{}': cutover '{}': the live side {} may be recorded on one database and could not be"
                        + " set back to {}; record {} on both by hand before restarting members", channel.fleet(),
                        cutoverName, next, from, undo, again);
            }
            throw new CutoverException(Phase.FLIP, "fleet '" + channel.fleet() + "': could not record the live side "
                    + next + " durably: " + e.getMessage() + "; nothing was flipped", e);
        }
        member.noteLive(next);
        long recorded = System.nanoTime();
        member.switcher().flipTo(side);
        FleetCommand flip;
        try {
            flip = channel.publish(command(FleetCommand.Kind.FLIP, side, next.generation(), 0, 0));
        } catch (RuntimeException e) {
            log.warn("fleet '{}': cutover '{}' flipped to {} and recorded it, but could not publish the flip ({}); members"
                    + " learn it from their heartbeat or the old side's guard", channel.fleet(), cutoverName, side,
                    e.getMessage());
            return;
        }
        this.flip = flip;
        log.info("fleet '{}': cutover '{}' flipped to {}: record the live side {} ms, publish {} ms; members resume as they"
                + " hear it", channel.fleet(), cutoverName, side, millis(started, recorded), millis(recorded, System.nanoTime()));
    }

    @Override
    public void resume() {
        FleetCommand answered = flip; // a member that hears its FLIP flips and resumes: no RESUME after a flip
        if (paused && answered == null) {
            answered = resumeOthers();
        }
        boolean report = paused && answered != null;
        paused = false;
        flip = null;
        member.switcher().pauser().resume();
        long resumed = System.nanoTime();
        member.coordinating(false);
        if (report) {
            // Off the pause's path: the cutover measures its pause when this returns.
            FleetCommand command = answered;
            List<String> members = awaited;
            Thread t = new Thread(() -> {
                report(command, members, resumed);
                prune(command.seq());
            }, "cutover-fleet-report-" + cutoverName);
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Collects the members' answers to the FLIP (or, for an abort or a rehearsal, the RESUME), each
     * carrying the member's own pause, after writes resumed here; on its own thread.
     */
    private void report(FleetCommand command, List<String> members, long resumedNanos) {
        boolean flipped = command.kind() == FleetCommand.Kind.FLIP;
        long budget = flipped ? flipAckBudget.toMillis() : Math.min(flipAckBudget.toMillis(), RESUME_REPORT_MILLIS);
        List<MemberPause> pauses = new ArrayList<>();
        pauses.add(new MemberPause(cutoverName, member.id(), Duration.ofNanos(Math.max(0, resumedNanos - pausedAt))));
        Map<String, String> missing;
        try {
            missing = await(command.seq(), members, System.nanoTime() + budget * 1_000_000L);
            for (FleetAck a : channel.acks(command.seq())) {
                long ms = MemberCommands.pausedMillis(a.detail());
                if (a.ok() && ms >= 0 && members.contains(a.member())) {
                    pauses.add(new MemberPause(cutoverName, a.member(), Duration.ofMillis(ms)));
                }
            }
        } catch (RuntimeException e) {
            log.info("fleet '{}': cutover '{}': could not read the members' pauses: {}", channel.fleet(), cutoverName,
                    e.getMessage());
            member.reportPauses(pauses);
            return;
        }
        member.reportPauses(pauses);
        if (!missing.isEmpty() && flipped) {
            log.warn("fleet '{}': cutover '{}': {} did not confirm the flip to {} in {} ms; they cannot write to {} (its"
                    + " guard refuses, and they refuse themselves once they see the record) and move when they next look",
                    channel.fleet(), cutoverName, missing, command.side(), budget, command.side().other());
        } else if (!missing.isEmpty()) {
            log.info("fleet '{}': cutover '{}': {} did not report their pause within {} ms", channel.fleet(), cutoverName,
                    missing.keySet(), budget);
        }
        log.info("fleet '{}': cutover '{}': pauses {}", channel.fleet(), cutoverName, pauses);
    }

    /** Deletes commands and acks older than the last {@value #KEEP_COMMANDS} commands, off the pause. */
    private void prune(long latest) {
        if (latest <= KEEP_COMMANDS) {
            return;
        }
        try {
            channel.prune(latest - KEEP_COMMANDS);
        } catch (RuntimeException e) {
            log.debug("fleet '{}': could not prune old commands: {}", channel.fleet(), e.getMessage());
        }
    }

    private FleetCommand resumeOthers() {
        try {
            return channel.publish(command(FleetCommand.Kind.RESUME, null, 0, 0, 0));
        } catch (RuntimeException e) {
            log.warn("fleet '{}': cutover '{}' could not publish RESUME ({}); members resume by themselves once this"
                    + " coordinator's hold of {} ms has passed", channel.fleet(), cutoverName, e.getMessage(), hold.toMillis());
            return null;
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return Math.max(0, (toNanos - fromNanos) / 1_000_000);
    }

    private FleetCommand command(FleetCommand.Kind kind, Side side, long generation, long drainMillis, long holdMillis) {
        return new FleetCommand(0, kind, cutoverId, side, generation, drainMillis, holdMillis, member.id(),
                member.settings().clock().millis());
    }

    @Override
    public Side current() {
        return member.switcher().current();
    }

    @Override
    public String toString() {
        return "fleet '" + channel.fleet() + "' from " + member.id();
    }
}
