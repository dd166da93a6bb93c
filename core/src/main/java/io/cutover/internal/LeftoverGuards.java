package io.cutover.internal;

import io.cutover.ConnectionSwitcher;
import io.cutover.GuardRecovery;
import io.cutover.LiveSide;
import io.cutover.ReplicationLink;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import io.cutover.spi.FleetCommand;
import io.cutover.spi.WriteGuard;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifts a source guard that a coordinator killed mid-cutover left engaged, when the fleet's durable
 * record proves the flip did not happen: see {@link io.cutover.Cutover#liftLeftoverGuard(ConnectionSwitcher, ReplicationLink)}.
 * Stateless.
 */
public final class LeftoverGuards {
    private static final Logger log = LoggerFactory.getLogger(LeftoverGuards.class);

    private LeftoverGuards() {
    }

    /**
     * See {@link io.cutover.Cutover#liftLeftoverGuard(ConnectionSwitcher, ReplicationLink)}.
     *
     * @param switcher this process's switcher
     * @param link the link the dead cutover ran over
     * @return what was found and done
     */
    public static GuardRecovery lift(ConnectionSwitcher switcher, ReplicationLink link) {
        String cutover = link.stream().name();
        Side source = link.source();
        SwitcherMember member = switcher.fleet().filter(SwitcherMember.class::isInstance).map(SwitcherMember.class::cast)
                .orElseThrow(() -> new IllegalStateException("stream '" + cutover + "': cannot tell whether " + source
                        + "'s guard is safe to lift: the switcher is not a fleet member, so the live side is not recorded"
                        + " durably. Check which side holds the latest acknowledged writes; if it is " + source
                        + " (the cutover never flipped), call link.sourceGuard().release()"));
        FleetChannel channel = member.channel();
        Optional<LiveSide> recorded = channel.readLiveSide();
        // Never recorded: the fleet never flipped, so its members write where their configuration says.
        Side live = recorded.map(LiveSide::side).orElse(switcher.current());
        String record = recorded.map(l -> "the fleet '" + channel.fleet() + "' records " + l.side() + " live (generation "
                + l.generation() + ")").orElse("the fleet '" + channel.fleet() + "' never recorded a flip");
        if (live != source) {
            // Engaged again by this process: the same refusal, but the reverse stream it starts may apply there.
            WriteGuard guard = link.sourceGuard();
            boolean taken = guard.engaged();
            if (taken) {
                guard.engage();
            }
            String detail = record + ": " + source + " is the old side, so its guard stays" + (taken ? " (" + guard
                    + ", engaged again by this process, so that the reverse stream it starts applies there)" : "")
                    + "; writes go to " + live;
            log.info("stream '{}': {}", cutover, detail);
            return new GuardRecovery(GuardRecovery.Action.KEPT, source, live, detail);
        }
        Optional<FleetCommand> open = openPause(channel.commandsAfter(0));
        String resumed = "";
        if (open.isPresent()) {
            FleetCommand pause = open.get();
            Duration age = channel.heartbeatAges().get(pause.issuer());
            Duration stale = member.settings().staleAfter();
            if (!pause.issuer().equals(member.id()) && age != null && age.compareTo(stale) < 0) {
                throw new IllegalStateException("stream '" + cutover + "': not lifting " + source + "'s guard: member '"
                        + pause.issuer() + "' is running cutover " + pause.cutover() + " now (its PAUSE, seq " + pause.seq()
                        + ", is open and it heartbeated " + age.toMillis() + " ms ago); the guard is its own, wait for it to"
                        + " flip or abort");
            }
            channel.publish(new FleetCommand(0, FleetCommand.Kind.RESUME, pause.cutover(), null, 0, 0, 0, member.id(),
                    System.currentTimeMillis()));
            String issuer = pause.issuer().equals(member.id()) ? "this member's id, an earlier incarnation of this process"
                    : age == null ? "a member gone from the fleet" : "'" + pause.issuer() + "', silent for " + age.toMillis() + " ms";
            resumed = "; RESUME published for cutover " + pause.cutover() + " (its PAUSE, seq " + pause.seq() + ", was issued by "
                    + issuer + ")";
        }
        boolean wasEngaged = link.sourceGuard().engaged();
        link.sourceGuard().release();
        String detail = record + ", the guarded side: no flip happened, so " + source + " stays authoritative; its guard ("
                + link.sourceGuard() + (wasEngaged ? ", engaged" : "") + ") is lifted" + resumed;
        log.warn("stream '{}': {}", cutover, detail);
        return new GuardRecovery(GuardRecovery.Action.LIFTED, source, live, detail);
    }

    // The last PAUSE that no FLIP or RESUME of the same cutover followed.
    private static Optional<FleetCommand> openPause(List<FleetCommand> commands) {
        for (int i = commands.size() - 1; i >= 0; i--) {
            FleetCommand c = commands.get(i);
            if (c.kind() == FleetCommand.Kind.PAUSE) {
                for (int j = i + 1; j < commands.size(); j++) {
                    if (commands.get(j).cutover().equals(c.cutover())) {
                        return Optional.empty();
                    }
                }
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
