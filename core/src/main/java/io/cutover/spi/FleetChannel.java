package io.cutover.spi;

import io.cutover.LiveSide;
import io.cutover.internal.JdbcFleetChannel;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * How the members of a fleet (every instance of a service, each with its own
 * {@link io.cutover.ConnectionSwitcher}) and the one coordinating a cutover talk: heartbeats,
 * commands and acks, and the durable record of the live side. The fleet needs no infrastructure
 * beyond the application's two databases: the JDBC implementation ({@link #jdbc}) keeps all of it
 * in control tables, and the dialect factories hand one out with fast signalling for their servers
 * ({@code PostgresCutover.fleetChannel}, {@code MySqlCutover.fleetChannel}); the
 * {@code cutover-testing} module has an in-memory one for unit tests.
 *
 * <p>Every method may block on I/O. Methods throw {@link io.cutover.CutoverException} when the
 * store cannot be reached. Implementations are thread-safe.
 */
public interface FleetChannel extends AutoCloseable {

    /**
     * The control tables of the JDBC channel, on both databases: {@code cutover_fleet_live},
     * {@code cutover_fleet_members}, {@code cutover_fleet_commands}, {@code cutover_fleet_acks}.
     * Removing a migration's objects removes these once no fleet uses them.
     */
    List<String> TABLES = io.cutover.internal.FleetTables.ALL;

    /**
     * Returns the fleet's name; members of one fleet use the same name.
     *
     * @return the name
     */
    String fleet();

    /**
     * How often a member should look for new commands when no signal woke it; also how often a
     * coordinator looks for acks.
     *
     * @return the poll interval
     */
    Duration pollInterval();

    /**
     * Writes or refreshes a member's row, stamped with the channel's clock (the member's
     * {@code at} is not trusted: members' clocks may disagree).
     *
     * @param beat the member's state now
     */
    void heartbeat(FleetHeartbeat beat);

    /**
     * Returns every member row, live or stale.
     *
     * @return the rows
     */
    List<FleetHeartbeat> members();

    /**
     * Returns how long ago each member heartbeat, judged on the channel's clock alone (the home
     * database's for the JDBC channel, which stamps each heartbeat with its own time): a member
     * whose clock is off is judged right. By default from {@link #members()} against this JVM's
     * clock, for channels that stamp heartbeats themselves.
     *
     * @return each member's id and the age of its last heartbeat
     */
    default Map<String, Duration> heartbeatAges() {
        long now = System.currentTimeMillis();
        Map<String, Duration> ages = new LinkedHashMap<>();
        for (FleetHeartbeat b : members()) {
            ages.put(b.member(), Duration.ofMillis(Math.max(0, now - b.at())));
        }
        return ages;
    }

    /**
     * Removes a member's row (the member is closing).
     *
     * @param member the member's id
     */
    void leave(String member);

    /**
     * Publishes a command, gives it the next sequence number and wakes subscribers.
     *
     * @param command the command; its {@code seq} is ignored
     * @return the command as published, with its sequence number
     */
    FleetCommand publish(FleetCommand command);

    /**
     * Returns the commands published after a sequence number, oldest first.
     *
     * @param seq a sequence number; 0 for all
     * @return the commands
     */
    List<FleetCommand> commandsAfter(long seq);

    /**
     * Returns the highest sequence number published so far.
     *
     * @return the sequence number, 0 if none
     */
    long latestSeq();

    /**
     * Records a member's answer to a command and wakes subscribers.
     *
     * @param ack the answer
     */
    void ack(FleetAck ack);

    /**
     * Returns the answers to one command.
     *
     * @param seq the command's sequence number
     * @return the answers, one per member at most
     */
    List<FleetAck> acks(long seq);

    /**
     * Deletes the commands numbered below {@code seq} and their acks, so the tables stay small;
     * a coordinator calls it after each cutover, keeping the recent ones. By default does nothing.
     *
     * @param seq the lowest sequence number to keep
     */
    default void prune(long seq) {
    }

    /**
     * Reads the live side from every database that answers and returns the record with the
     * highest generation.
     *
     * @return the live side, or empty when the fleet never flipped
     * @throws io.cutover.CutoverException if no database answers
     */
    Optional<LiveSide> readLiveSide();

    /**
     * Records the live side durably on both databases.
     *
     * @param live the new record
     * @throws io.cutover.CutoverException if it could not be written to both; it may then be on one
     */
    void recordLiveSide(LiveSide live);

    /**
     * Calls {@code wakeUp} (on a thread of the channel's) whenever something may have been
     * published or acked; an implementation without signals may never call it, members then poll.
     *
     * @param wakeUp what to call; must return quickly
     * @return a handle that stops the calls when closed
     */
    AutoCloseable subscribe(Runnable wakeUp);

    /**
     * Tells whether a failed statement was refused by a database's write guard (the source is
     * guarded during and after a cutover): a member getting it re-reads the live side. By default,
     * SQLState {@code 25006} (PostgreSQL's read-only transaction, raised by the guard trigger) and
     * MySQL/MariaDB's error 1290 ({@code read_only}) and 1792 (read-only transaction).
     *
     * @param e the failure
     * @return whether it is the guard's refusal
     */
    default boolean isGuardRefusal(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && ("25006".equals(s.getSQLState()) || s.getErrorCode() == 1290
                    || s.getErrorCode() == 1792)) {
                return true;
            }
        }
        return false;
    }

    /** Stops signalling and releases connections. Idempotent. */
    @Override
    void close();

    /**
     * Creates the JDBC channel: the {@code cutover_fleet_*} control tables (created when first
     * needed) on both databases, the live side recorded on both, members, commands and acks on
     * {@code home}. For dialect modules; applications take the channel from their dialect factory.
     *
     * @param fleet the fleet's name: 1 to 60 letters, digits, underscores or dashes
     * @param blue blue's DataSource (a user that may create tables; on MySQL/MariaDB one that
     *     writes through {@code read_only})
     * @param green green's DataSource
     * @param home the side that holds members, commands and acks
     * @param signal fast wake-ups, or {@link FleetSignal#NONE} to poll
     * @param pollInterval how often members and coordinators look when not woken
     * @return the channel
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the name is not valid or pollInterval is not positive
     */
    static FleetChannel jdbc(String fleet, DataSource blue, DataSource green, io.cutover.Side home, FleetSignal signal,
            Duration pollInterval) {
        return new JdbcFleetChannel(fleet, blue, green, home, signal, pollInterval);
    }
}
