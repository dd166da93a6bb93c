package io.cutover;

import io.cutover.internal.SwitcherMember;
import io.cutover.spi.FleetChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One instance of a service in its fleet: the {@link ConnectionSwitcher} of every instance is a
 * member, so a cutover run by any one of them pauses, flips and resumes all of them together.
 *
 * <p>A member is made by the switcher's builder, which reads the live side recorded on the
 * databases first, so an instance started or restarted after a cutover comes up where the fleet
 * is, whatever its static configuration says:
 * <pre>{@code
 * FleetChannel channel = PostgresCutover.fleetChannel("orders", blueAdmin, greenAdmin);
 * ConnectionSwitcher switcher = ConnectionSwitcher.builder()
 *         .blue(bluePool).green(greenPool)
 *         .fleet(FleetMember.builder(channel))
 *         .build();
 * // on whichever instance runs it, a Cutover over this switcher coordinates the whole fleet:
 * Cutover.builder().switcher(switcher).link(link).build().execute();
 * }</pre>
 *
 * <p>What a member does: it heartbeats into the channel; on a coordinator's PAUSE it drains its
 * writes within the coordinator's budget and acks (or nacks, which aborts the cutover for all);
 * on FLIP (sent once the new live side is recorded durably) it flips, resumes at once and acks;
 * on RESUME (an aborted or rehearsed cutover) it resumes where it is. A member that joins while a
 * PAUSE is open starts paused as if it had heard it. Paused by a coordinator that then goes silent
 * (no heartbeat for {@link Builder#coordinatorSilence}), it reads the durable live side, flips
 * there if it changed, and resumes. A member that learns the fleet moved without it (it was
 * stopped, or missed the flip; a heartbeat, or the old side's guard refusing a write, tells it)
 * refuses new connections to the old side and moves at once. It never writes to a side that the
 * durable record says is not live.
 *
 * <p>Closing the switcher closes its member (which leaves the fleet); the channel is the
 * caller's to close. Thread-safe.
 */
public interface FleetMember extends AutoCloseable {

    /**
     * Starts describing a member; give the builder to
     * {@link ConnectionSwitcher.Builder#fleet(FleetMember.Builder)}.
     *
     * @param channel the fleet's channel; not null
     * @return a new builder
     * @throws NullPointerException if channel is null
     */
    static Builder builder(FleetChannel channel) {
        return new Builder(channel);
    }

    /**
     * Returns this member's id, unique in its fleet.
     *
     * @return the id
     */
    String id();

    /**
     * Returns the fleet's name.
     *
     * @return the name
     */
    String fleet();

    /**
     * Returns the newest live side this member knows of: read at start, from heartbeats, or from
     * a coordinator's FLIP.
     *
     * @return the live side, or empty when the fleet never flipped
     */
    Optional<LiveSide> liveSide();

    /**
     * Tells whether the fleet's live side differs from where this member's switcher points;
     * it then refuses new connections until it has moved (which it does by itself).
     *
     * @return true while this member lags the fleet
     */
    boolean behind();

    /**
     * Returns the write pauses of the last cutover this member coordinated: its own first, then
     * each member that reported its pause in its answer to the FLIP (or, after an abort or a
     * rehearsal, to the RESUME). The reports are collected in the background after the cutover
     * resumed writes (so that waiting for them does not lengthen the pause), for up to the cutover's
     * drain budget (at most 2 s after an abort): a member that did not answer by then is missing,
     * and until then this returns the previous cutover's pauses (tell them apart by
     * {@link MemberPause#cutover()}). Empty when this member never coordinated a cutover that
     * paused the fleet.
     *
     * @return the pauses, in milliseconds as each member measured them
     */
    default java.util.List<MemberPause> lastPauses() {
        return java.util.List.of();
    }

    /** Stops heartbeats and listening, and leaves the fleet. Idempotent. */
    @Override
    void close();

    /**
     * Describes a member. Validates as it goes; not thread-safe.
     */
    final class Builder {
        private final FleetChannel channel;
        private String memberId;
        private Duration heartbeatInterval = Duration.ofMillis(250);
        private Duration staleAfter = Duration.ofSeconds(2);
        private Duration coordinatorSilence = Duration.ofSeconds(5);
        private Duration moveDrain = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;

        Builder(FleetChannel channel) {
            this.channel = Objects.requireNonNull(channel, "channel");
        }

        /**
         * This member's id, unique in the fleet. Default: the host name, the process id and a
         * random suffix.
         *
         * @param id 1 to 120 characters
         * @return this builder
         * @throws NullPointerException if id is null
         * @throws IllegalArgumentException if blank or longer than 120 characters
         */
        public Builder memberId(String id) {
            Objects.requireNonNull(id, "memberId");
            if (id.isBlank() || id.length() > 120) {
                throw new IllegalArgumentException("memberId must be 1 to 120 characters, was '" + id + "'");
            }
            this.memberId = id;
            return this;
        }

        /**
         * How often the member writes its heartbeat and reads the live side. Default 250 ms.
         *
         * @param interval positive
         * @return this builder
         * @throws NullPointerException if interval is null
         * @throws IllegalArgumentException if not positive
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * How old a heartbeat may be for its member to count as live: a coordinator waits for
         * live members only (a stale one is refused by the old side's guard and learns the new
         * side by itself). Default 2 s; must exceed the heartbeat interval.
         *
         * @param bound positive
         * @return this builder
         * @throws NullPointerException if bound is null
         * @throws IllegalArgumentException if not positive
         */
        public Builder staleAfter(Duration bound) {
            this.staleAfter = positive(bound, "staleAfter");
            return this;
        }

        /**
         * How long the coordinator that paused this member may go without a heartbeat before the
         * member gives up on it: reads the durable live side, moves there if it changed, and
         * resumes. Also the grace past the coordinator's own hold limit. Default 5 s.
         *
         * @param bound positive
         * @return this builder
         * @throws NullPointerException if bound is null
         * @throws IllegalArgumentException if not positive
         */
        public Builder coordinatorSilence(Duration bound) {
            this.coordinatorSilence = positive(bound, "coordinatorSilence");
            return this;
        }

        /**
         * How long a member that moves by itself (it missed a flip) waits for its writes in flight
         * to finish. Default 2 s.
         *
         * @param drain positive
         * @return this builder
         * @throws NullPointerException if drain is null
         * @throws IllegalArgumentException if not positive
         */
        public Builder moveDrain(Duration drain) {
            this.moveDrain = positive(drain, "moveDrain");
            return this;
        }

        /**
         * The clock of heartbeats and bounds. Default: the system UTC clock (members compare each
         * other's heartbeats, so their clocks must agree to well under {@link #staleAfter}).
         *
         * @param clock not null
         * @return this builder
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs heartbeats and command handling; at least two threads, since a drain blocks one.
         * Default: two daemon threads of the member's own, stopped when it closes.
         *
         * @param scheduler not null; the caller shuts it down
         * @return this builder
         * @throws NullPointerException if scheduler is null
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Validates the whole and hands it to the switcher's builder. */
        SwitcherMember.Settings settings() {
            if (staleAfter.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalStateException("staleAfter (" + staleAfter.toMillis() + " ms) must exceed heartbeatInterval ("
                        + heartbeatInterval.toMillis() + " ms), or every member looks stale between two heartbeats");
            }
            if (coordinatorSilence.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalStateException("coordinatorSilence (" + coordinatorSilence.toMillis()
                        + " ms) must exceed heartbeatInterval (" + heartbeatInterval.toMillis() + " ms)");
            }
            String id = memberId != null ? memberId : defaultId();
            return new SwitcherMember.Settings(channel, id, heartbeatInterval, staleAfter, coordinatorSilence, moveDrain,
                    clock, scheduler);
        }

        private static String defaultId() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "host";
            }
            String id = host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
            return id.length() > 120 ? id.substring(id.length() - 120) : id;
        }

        private static Duration positive(Duration d, String field) {
            Objects.requireNonNull(d, field);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(field + " must be positive, was " + d);
            }
            return d;
        }
    }
}
