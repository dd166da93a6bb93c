package io.cutover.spring;

import io.cutover.FleetMember;
import io.cutover.spi.FleetChannel;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The starter's fleet settings, {@code cutover.fleet.*}: whether the application's switcher is a
 * {@link FleetMember}, so that every instance of the service pauses, flips and resumes together,
 * and an instance started or restarted after a cutover comes up on the live side recorded on the
 * databases rather than on blue.
 *
 * <p>On by default: without it, an instance restarted after a cutover starts on blue, where the
 * write guard refuses its writes. The price is a small pool per side (at most
 * 4 connections, as {@code cutover.blue.user} / {@code cutover.green.user}), the
 * fleet's control tables on both databases, a heartbeat every {@link #getHeartbeatInterval()},
 * and a start that needs at least one of the two databases to read the live side from.
 *
 * <p>The record of the live side names a side, blue or green, as {@code cutover.blue} and
 * {@code cutover.green} say. After finishing a migration, before redeploying with the sides
 * swapped (the old green as {@code cutover.blue}), drop the fleet's tables or choose a new
 * {@code cutover.fleet.name}: else the instances would start on the side the old record names.
 *
 * <p>A mutable bean, as Spring binds it; not thread-safe, read once when the context starts.
 */
public class CutoverFleetProperties {

    /**
     * Connections in each of the fleet's pools: the channel's two (the live side's durable record;
     * members, commands and acks), a listener's and one spare.
     */
    static final int POOL_SIZE = 4;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,60}");

    /** Whether the switcher joins the fleet (and so starts on the recorded live side). */
    private boolean enabled = true;

    /** The fleet's name, the same on every instance of the service; default: cutover.name. */
    private String name;

    /** This instance's id in the fleet, unique in it; default: host name, process id and a random suffix. */
    private String memberId;

    /** How often the instance heartbeats and reads the live side. */
    private Duration heartbeatInterval = Duration.ofMillis(250);

    /** How old a heartbeat may be for its instance to count as live (a cutover waits for live ones only). */
    private Duration staleAfter = Duration.ofSeconds(2);

    /** How long an instance paused by another that went silent waits before it resumes on the recorded live side. */
    private Duration coordinatorSilence = Duration.ofSeconds(5);

    /**
     * Returns whether the switcher joins the fleet.
     *
     * @return true unless {@code cutover.fleet.enabled=false}
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the switcher joins the fleet.
     *
     * @param enabled false for a switcher on its own, which starts on blue
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Returns the fleet's name as set.
     *
     * @return the name, or null to use {@code cutover.name}
     */
    public String getName() {
        return name;
    }

    /**
     * Sets the fleet's name.
     *
     * @param name 1 to 60 letters, digits, underscores or dashes; the same on every instance
     */
    public void setName(String name) {
        this.name = name;
    }

    /**
     * Returns this instance's id as set.
     *
     * @return the id, or null for the default
     */
    public String getMemberId() {
        return memberId;
    }

    /**
     * Sets this instance's id.
     *
     * @param memberId 1 to 120 characters, unique in the fleet
     */
    public void setMemberId(String memberId) {
        this.memberId = memberId;
    }

    /**
     * Returns the heartbeat interval.
     *
     * @return the interval
     */
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * Sets the heartbeat interval.
     *
     * @param heartbeatInterval positive, below {@code stale-after} and {@code coordinator-silence}
     */
    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /**
     * Returns how old a heartbeat may be for its instance to count as live.
     *
     * @return the bound
     */
    public Duration getStaleAfter() {
        return staleAfter;
    }

    /**
     * Sets how old a heartbeat may be for its instance to count as live.
     *
     * @param staleAfter positive, above the heartbeat interval
     */
    public void setStaleAfter(Duration staleAfter) {
        this.staleAfter = staleAfter;
    }

    /**
     * Returns how long a paused instance waits for a silent coordinator.
     *
     * @return the bound
     */
    public Duration getCoordinatorSilence() {
        return coordinatorSilence;
    }

    /**
     * Sets how long a paused instance waits for a silent coordinator.
     *
     * @param coordinatorSilence positive, above the heartbeat interval
     */
    public void setCoordinatorSilence(Duration coordinatorSilence) {
        this.coordinatorSilence = coordinatorSilence;
    }

    /**
     * Returns the fleet's name: {@code cutover.fleet.name}, or the cutover's name when not set.
     *
     * @param cutoverName {@code cutover.name}
     * @return the name in use
     */
    String effectiveName(String cutoverName) {
        return name == null || name.isBlank() ? cutoverName : name;
    }

    /**
     * Checks every setting, so that a mistake fails the context's start naming the property.
     *
     * @param cutoverName {@code cutover.name}, the default fleet name
     * @throws IllegalStateException naming the property, its value and what it must be
     */
    void validate(String cutoverName) {
        String fleet = effectiveName(cutoverName);
        if (fleet == null || !NAME.matcher(fleet).matches()) {
            throw new IllegalStateException("cutover.fleet.name is '" + fleet + "'" + (name == null || name.isBlank()
                    ? " (from cutover.name)" : "") + ": a fleet's name is 1 to 60 letters, digits, underscores or dashes;"
                    + " set cutover.fleet.name to one, the same on every instance");
        }
        if (memberId != null && (memberId.isBlank() || memberId.length() > 120)) {
            throw new IllegalStateException("cutover.fleet.member-id is '" + memberId + "': it must be 1 to 120"
                    + " characters, unique in the fleet; or leave it unset for host name, process id and a random suffix");
        }
        positive(heartbeatInterval, "cutover.fleet.heartbeat-interval");
        positive(staleAfter, "cutover.fleet.stale-after");
        positive(coordinatorSilence, "cutover.fleet.coordinator-silence");
        above(staleAfter, "cutover.fleet.stale-after", "or every instance looks stale between two heartbeats");
        above(coordinatorSilence, "cutover.fleet.coordinator-silence", "or a paused instance gives up on a live coordinator");
    }

    /**
     * Describes this instance as a member of the fleet on a channel.
     *
     * @param channel the fleet's channel
     * @return the member's description, for {@code ConnectionSwitcher.Builder.fleet}
     */
    FleetMember.Builder member(FleetChannel channel) {
        FleetMember.Builder b = FleetMember.builder(channel)
                .heartbeatInterval(heartbeatInterval)
                .staleAfter(staleAfter)
                .coordinatorSilence(coordinatorSilence);
        if (memberId != null) {
            b.memberId(memberId);
        }
        return b;
    }

    private void above(Duration bound, String property, String why) {
        if (bound.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalStateException(property + " is " + bound.toMillis() + " ms: it must exceed"
                    + " cutover.fleet.heartbeat-interval (" + heartbeatInterval.toMillis() + " ms), " + why);
        }
    }

    private static void positive(Duration d, String property) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalStateException(property + " is " + d + ": it must be a positive duration, e.g. 250ms or 2s");
        }
    }
}
