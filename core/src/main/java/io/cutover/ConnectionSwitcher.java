package io.cutover;

import io.cutover.internal.LeasingConnectionSwitcher;
import io.cutover.internal.SwitcherMember;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over the application's two DataSources (usually two pools), blue and
 * green, that hands out connections to whichever side is current and can be flipped to the other.
 *
 * <p>Every {@link #getConnection()} takes a write lease from the {@link #pauser()}, reads the
 * current side once, and returns a connection that gives the lease back when closed. A cutover
 * pauses the pauser (so no connection is open), flips, and resumes. A connection taken before a
 * flip refuses to do anything after it: it fails with an {@code SQLException} rather than
 * write to the old side.
 *
 * <p>Put it where the application's DataSource was:
 * <pre>{@code
 * ConnectionSwitcher switcher = ConnectionSwitcher.between(bluePool, greenPool);
 * jdbcTemplate = new JdbcTemplate(switcher);
 * }</pre>
 *
 * <p>The switcher does not own the two DataSources: {@link #close()} stops it handing out
 * connections but leaves the pools to the application. Thread-safe.
 */
public interface ConnectionSwitcher extends DataSource, AutoCloseable {

    /**
     * Creates a switcher over two DataSources, starting on blue, with its own default
     * {@link WritePauser}.
     *
     * @param blue the DataSource in use today; not null
     * @param green the DataSource to move to; not null
     * @return a new switcher pointing at blue
     * @throws NullPointerException if either is null
     * @throws IllegalArgumentException if both are the same object
     */
    static ConnectionSwitcher between(DataSource blue, DataSource green) {
        return builder().blue(blue).green(green).build();
    }

    /**
     * Starts building a switcher.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the side connections go to now.
     *
     * @return the current side
     */
    Side current();

    /**
     * Returns how many times the switcher has flipped. Connections remember the generation they
     * were taken in and refuse to work in a later one.
     *
     * @return 0 before the first flip
     */
    long generation();

    /**
     * Points the switcher at {@code side}. Must be called while the pauser is paused with no
     * lease in flight, so that no connection from the old side is open.
     *
     * @param side the side to go to; not null, and not the current side
     * @throws IllegalStateException if writes are not paused, leases are still in flight, the
     *     switcher is closed, or {@code side} is already current
     */
    void flipTo(Side side);

    /**
     * Returns the gate every connection's lease comes from.
     *
     * @return the pauser, never null
     */
    WritePauser pauser();

    /**
     * Returns the DataSource behind a side.
     *
     * @param side blue or green
     * @return the application's DataSource for that side
     */
    DataSource dataSource(Side side);

    /**
     * Returns a view for reads: its connections take no lease (so reads go on during a pause),
     * go to the current side, and are set read-only.
     *
     * @return a DataSource for reads
     */
    DataSource readOnly();

    /**
     * Returns the fleet member this switcher is, when built with
     * {@link Builder#fleet(FleetMember.Builder)}: a {@link Cutover} over it then pauses, flips and
     * resumes every member of the fleet, not only this instance.
     *
     * @return the member, or empty for a switcher on its own
     */
    default Optional<FleetMember> fleet() {
        return Optional.empty();
    }

    /**
     * Stops handing out connections; open ones keep working until closed. Idempotent. The
     * underlying DataSources are not closed. A fleet member leaves its fleet.
     */
    @Override
    void close();

    /**
     * Builds a {@link ConnectionSwitcher}. Not thread-safe; the built switcher is.
     */
    final class Builder {
        private DataSource blue;
        private DataSource green;
        private WritePauser pauser;
        private Side initialSide = Side.BLUE;
        private FleetMember.Builder fleet;

        Builder() {
        }

        /**
         * The DataSource in use before the cutover.
         *
         * @param blue not null
         * @return this builder
         * @throws NullPointerException if blue is null
         */
        public Builder blue(DataSource blue) {
            this.blue = Objects.requireNonNull(blue, "blue");
            return this;
        }

        /**
         * The DataSource the cutover moves to.
         *
         * @param green not null
         * @return this builder
         * @throws NullPointerException if green is null
         */
        public Builder green(DataSource green) {
            this.green = Objects.requireNonNull(green, "green");
            return this;
        }

        /**
         * The pauser to take leases from; share one pauser with other write paths of the
         * application. Default: a new {@link WritePauser#create()}.
         *
         * @param pauser not null
         * @return this builder
         * @throws NullPointerException if pauser is null
         */
        public Builder pauser(WritePauser pauser) {
            this.pauser = Objects.requireNonNull(pauser, "pauser");
            return this;
        }

        /**
         * The side to start on, for an application restarted after a cutover. Default blue.
         *
         * @param side not null
         * @return this builder
         * @throws NullPointerException if side is null
         */
        public Builder startOn(Side side) {
            this.initialSide = Objects.requireNonNull(side, "startOn");
            return this;
        }

        /**
         * Makes the switcher a member of a fleet: every instance of the service pauses, flips and
         * resumes together when any one runs a {@link Cutover}. {@link #build()} reads the live side
         * recorded on the databases and starts there, whatever {@link #startOn} says.
         *
         * @param member the member's description, from {@link FleetMember#builder}
         * @return this builder
         * @throws NullPointerException if member is null
         */
        public Builder fleet(FleetMember.Builder member) {
            this.fleet = Objects.requireNonNull(member, "fleet");
            return this;
        }

        /**
         * Builds the switcher; a fleet member reads the live side, joins and heartbeats first.
         *
         * @return a new switcher
         * @throws IllegalStateException if blue or green was not set, or both are the same object,
         *     or the fleet settings conflict
         * @throws CutoverException if a fleet member cannot read the live side from either database
         */
        public ConnectionSwitcher build() {
            if (blue == null) {
                throw new IllegalStateException("blue DataSource not set: call blue(dataSource)");
            }
            if (green == null) {
                throw new IllegalStateException("green DataSource not set: call green(dataSource)");
            }
            if (blue == green) {
                throw new IllegalStateException("blue and green are the same DataSource object; a cutover needs two");
            }
            WritePauser p = pauser != null ? pauser : WritePauser.create();
            if (fleet == null) {
                return new LeasingConnectionSwitcher(blue, green, p, initialSide);
            }
            SwitcherMember.Settings settings = fleet.settings();
            LiveSide live = SwitcherMember.readLive(settings.channel()).orElse(null);
            Side start = live != null ? live.side() : initialSide;
            if (live != null && live.side() != initialSide) {
                org.slf4j.LoggerFactory.getLogger(ConnectionSwitcher.class).info(
                        "fleet '{}': starting on {} (the recorded live side, {}), not on {} as configured",
                        settings.channel().fleet(), start, live, initialSide);
            }
            LeasingConnectionSwitcher switcher = new LeasingConnectionSwitcher(blue, green, p, start);
            SwitcherMember member = new SwitcherMember(settings, switcher, live);
            switcher.attach(member);
            try {
                member.start();
            } catch (RuntimeException e) {
                switcher.close();
                throw e;
            }
            return switcher;
        }
    }
}
