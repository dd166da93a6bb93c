package io.cutover.internal;

import io.cutover.LiveSide;
import io.cutover.Side;
import io.cutover.WritePauser;
import io.cutover.spi.FleetAck;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link SwitcherMember} does with the coordinator's commands, on its own switcher: PAUSE
 * drains and acks (or nacks), FLIP flips, resumes and acks with the member's own pause (or, for a
 * member that missed the pause, moves by itself), RESUME (after an abort or a rehearsal) resumes; a
 * pause whose coordinator went silent is given up for the durable live side. Called by one thread at a time (the member's work lock).
 */
final class MemberCommands {
    private static final Logger log = LoggerFactory.getLogger(MemberCommands.class);

    /** The detail of a FLIP or RESUME ack that ended the member's pause: how long it lasted. */
    private static final String PAUSED = "paused_ms=";

    /**
     * The pause a coordinator holds on this member: since when (drained) and when the member read
     * the PAUSE (writes stopped). Its cutover's FLIP or RESUME ends it.
     */
    private record Held(FleetCommand pause, long sinceMillis, long seenMillis) {
    }

    /** The detail of the ack that ended a pause (FLIP, or RESUME after an abort): how long writes stayed paused. */
    static String pausedDetail(long millis) {
        return PAUSED + millis;
    }

    /** The pause in an ack's detail, or -1 when it holds none (an older member, a member that was not paused). */
    static long pausedMillis(String detail) {
        if (detail == null || !detail.startsWith(PAUSED)) {
            return -1;
        }
        try {
            return Long.parseLong(detail.substring(PAUSED.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private final SwitcherMember member;
    private final FleetChannel channel;
    private final LeasingConnectionSwitcher switcher;
    private final Clock clock;
    private volatile Held held; // written by the working thread only
    private long cursor; // working thread only

    MemberCommands(SwitcherMember member, FleetChannel channel, LeasingConnectionSwitcher switcher, Clock clock) {
        this.member = member;
        this.channel = channel;
        this.switcher = switcher;
        this.clock = clock;
    }

    /** Skips every command up to {@code seq}. */
    void startAfter(long seq) {
        cursor = seq;
    }

    /**
     * Where a joining member starts reading: just before the last PAUSE still open (no FLIP or
     * RESUME of its cutover after it), so the member takes it; else after the latest command.
     *
     * @param commands every command in the channel, oldest first
     * @return the sequence number to read after
     */
    static long joinCursor(List<FleetCommand> commands) {
        long latest = commands.isEmpty() ? 0 : commands.get(commands.size() - 1).seq();
        for (int i = commands.size() - 1; i >= 0; i--) {
            FleetCommand c = commands.get(i);
            if (c.kind() == FleetCommand.Kind.PAUSE) {
                return overtaken(c, commands, i) ? latest : c.seq() - 1;
            }
        }
        return latest;
    }

    /** Whether a coordinator holds this member's writes paused now. */
    boolean paused() {
        return held != null;
    }

    /** Runs the commands published since the last call, then the silence check or a pending move. */
    void step() {
        List<FleetCommand> commands = channel.commandsAfter(cursor);
        for (int i = 0; i < commands.size(); i++) {
            FleetCommand c = commands.get(i);
            cursor = c.seq();
            if (c.issuer().equals(member.id()) || member.isCoordinating()) {
                continue;
            }
            switch (c.kind()) {
                case PAUSE -> {
                    if (!overtaken(c, commands, i)) {
                        pause(c);
                    }
                }
                case FLIP -> flip(c);
                case RESUME -> resume(c);
                default -> throw new IllegalStateException("unknown command " + c.kind());
            }
        }
        Held h = held;
        if (h != null) {
            checkCoordinator(h);
        } else if (member.behind() && !member.isCoordinating()) {
            move("the fleet moved without it");
        }
    }

    /** A PAUSE followed in the same batch by its cutover's RESUME or FLIP is history, not a request. */
    private static boolean overtaken(FleetCommand pause, List<FleetCommand> batch, int at) {
        for (int j = at + 1; j < batch.size(); j++) {
            FleetCommand later = batch.get(j);
            if (later.cutover().equals(pause.cutover()) && later.kind() != FleetCommand.Kind.PAUSE) {
                return true;
            }
        }
        return false;
    }

    private void pause(FleetCommand c) {
        WritePauser pauser = switcher.pauser();
        Duration drain = Duration.ofMillis(Math.max(1, c.drainMillis()));
        long seen = clock.millis();
        boolean ok;
        String detail = "";
        try {
            ok = pauser.tryPause(drain);
            if (!ok) {
                detail = pauser.inFlight() + " write(s) still in flight after " + drain.toMillis() + " ms";
            }
        } catch (IllegalStateException e) {
            ok = false;
            detail = "writes already paused here: " + e.getMessage();
        }
        long drained = clock.millis();
        if (ok) {
            held = new Held(c, drained, seen);
        }
        channel.ack(new FleetAck(c.seq(), member.id(), ok, detail));
        log.info("fleet '{}': member {} {} pause of cutover {}{} (heard {} ms after it was issued, drained in {} ms, ack"
                + " committed in {} ms)", member.fleet(), member.id(), ok ? "acked" : "nacked", c.cutover(),
                ok ? "" : " (" + detail + ")", seen - c.issuedAt(), drained - seen, clock.millis() - drained);
    }

    private void flip(FleetCommand c) {
        LiveSide live = new LiveSide(c.side(), c.generation());
        Held h = held;
        if (h != null && h.pause().cutover().equals(c.cutover())) {
            // The live side is recorded before FLIP goes out: this member's pause ends here, no RESUME is waited for.
            long heard = clock.millis();
            member.raiseKnown(live);
            if (switcher.current() != c.side()) {
                switcher.flipTo(c.side());
            }
            held = null;
            switcher.pauser().resume();
            long resumed = clock.millis();
            long paused = Math.max(0, resumed - h.seenMillis());
            answer(c, true, pausedDetail(paused));
            log.info("fleet '{}': member {} flipped to {} and resumed after {} ms paused (cutover {}; heard the flip {} ms"
                    + " after it was issued, resumed in {} ms, ack {} ms)", member.fleet(), member.id(), c.side(), paused,
                    c.cutover(), heard - c.issuedAt(), resumed - heard, clock.millis() - resumed);
            return;
        }
        member.learn(live);
        boolean ok = move("it missed the pause of cutover " + c.cutover());
        answer(c, ok, ok ? "" : "could not drain to move");
    }

    /** Acks a command whose work is done; a lost ack only costs the coordinator's report. */
    private void answer(FleetCommand c, boolean ok, String detail) {
        try {
            channel.ack(new FleetAck(c.seq(), member.id(), ok, detail));
        } catch (RuntimeException e) {
            log.debug("fleet '{}': member {} could not ack {} of cutover {}: {}", member.fleet(), member.id(), c.kind(),
                    c.cutover(), e.getMessage());
        }
    }

    private void resume(FleetCommand c) {
        Held h = held;
        if (h != null && h.pause().cutover().equals(c.cutover())) {
            try {
                // An aborted cutover may have recorded the live side and then undone that with a newer record.
                member.learn(channel.readLiveSide().orElse(null));
            } catch (RuntimeException e) {
                log.warn("fleet '{}': member {} could not read the live side on resume: {}", member.fleet(), member.id(),
                        e.getMessage());
            }
            held = null;
            switcher.pauser().resume();
            long paused = Math.max(0, clock.millis() - h.seenMillis());
            answer(c, true, pausedDetail(paused));
            log.info("fleet '{}': member {} resumed on {} after {} ms paused (cutover {})", member.fleet(), member.id(),
                    switcher.current(), paused, c.cutover());
        }
    }

    private void checkCoordinator(Held h) {
        long now = clock.millis();
        long silence = member.settings().coordinatorSilence().toMillis();
        String why = null;
        if (now - h.sinceMillis() > h.pause().holdMillis() + silence) {
            why = "has held writes paused for " + (now - h.sinceMillis()) + " ms, past its hold limit of "
                    + h.pause().holdMillis() + " ms plus " + silence + " ms";
        } else {
            Duration age = channel.heartbeatAges().get(h.pause().issuer()); // on the channel's clock, not ours
            if (age == null && now - h.sinceMillis() > silence) {
                why = "has left the fleet";
            } else if (age != null && age.toMillis() > silence) {
                why = "has been silent for " + age.toMillis() + " ms (bound " + silence + " ms)";
            }
        }
        if (why == null) {
            return;
        }
        LiveSide live = channel.readLiveSide().orElse(null);
        if (live != null) {
            member.raiseKnown(live);
        }
        LiveSide k = member.known();
        Side before = switcher.current();
        if (k != null && k.side() != before) {
            switcher.flipTo(k.side());
        }
        held = null;
        switcher.pauser().resume();
        log.warn("fleet '{}': member {} was paused by cutover {} whose coordinator {} {}; read the durable live side"
                + " ({}) and resumed on {}{}", member.fleet(), member.id(), h.pause().cutover(), h.pause().issuer(), why,
                live == null ? "never recorded" : live, switcher.current(),
                before != switcher.current() ? " (moved from " + before + ")" : "");
    }

    /** Moves to the known live side by itself: drain, flip, resume. */
    private boolean move(String why) {
        LiveSide k = member.known();
        if (k == null || k.side() == switcher.current()) {
            return true;
        }
        WritePauser pauser = switcher.pauser();
        Side from = switcher.current();
        boolean drained;
        try {
            drained = pauser.tryPause(member.settings().moveDrain());
        } catch (IllegalStateException e) {
            return false; // paused by someone else right now; the next step tries again
        }
        if (!drained) {
            log.warn("fleet '{}': member {} must move from {} to {} ({}) but {} write(s) stayed in flight past {} ms;"
                    + " new connections are refused meanwhile, trying again", member.fleet(), member.id(), from, k.side(), why,
                    pauser.inFlight(), member.settings().moveDrain().toMillis());
            return false;
        }
        try {
            switcher.flipTo(k.side());
        } finally {
            pauser.resume();
        }
        log.warn("fleet '{}': member {} moved from {} to the live side {} by itself: {}", member.fleet(), member.id(), from, k, why);
        return true;
    }
}
