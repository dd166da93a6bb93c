package io.cutover.spi;

import io.cutover.RowTransform;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * What a dialect asks a {@link CaptureHost} to run: one stream from a source to a target, with its
 * dialect, its tables' transforms and, optionally, its bulk initial copy. Built by
 * {@link #builder()}, which validates each value; immutable and thread-safe once built. A plain
 * value: the host, not the spec, owns connections, threads and the control tables.
 */
public final class CaptureSpec {

    /** The fence table's name when the builder is given none. */
    public static final String DEFAULT_FENCE_TABLE = "cutover_fence";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,120}");

    private final String name;
    private final CaptureDialect dialect;
    private final DataSource source;
    private final DataSource target;
    private final Map<String, RowTransform> transforms;
    private final String fenceTable;
    private final Duration startTimeout;
    private final Clock clock;
    private final CaptureSession session;
    private final InitialLoad initialLoad;
    private final Duration recoveryBudget;
    private final String sourceLabel;
    private final String targetLabel;
    private final Duration stallTimeout;
    private final boolean retriesStart;

    private CaptureSpec(Builder b) {
        this.name = b.name;
        this.dialect = b.dialect;
        this.source = b.source;
        this.target = b.target;
        this.transforms = Map.copyOf(b.transforms);
        this.fenceTable = b.fenceTable;
        this.startTimeout = b.startTimeout;
        this.clock = b.clock;
        this.session = b.session;
        this.initialLoad = b.initialLoad;
        this.recoveryBudget = b.recoveryBudget;
        this.sourceLabel = b.sourceLabel;
        this.targetLabel = b.targetLabel;
        this.stallTimeout = b.stallTimeout;
        this.retriesStart = b.retriesStart;
    }

    /**
     * Starts a configuration.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the stream's name, unique per target; it keys the stream's offsets and fences.
     *
     * @return the value given to the builder, or its default
     */
    public String name() {
        return name;
    }

    /**
     * Returns the dialect that supplies connector settings and SQL.
     *
     * @return the value given to the builder, or its default
     */
    public CaptureDialect dialect() {
        return dialect;
    }

    /**
     * Returns the side the stream reads.
     *
     * @return the value given to the builder, or its default
     */
    public DataSource source() {
        return source;
    }

    /**
     * Returns the side the stream writes.
     *
     * @return the value given to the builder, or its default
     */
    public DataSource target() {
        return target;
    }

    /**
     * Returns the row transforms keyed by source table name.
     *
     * @return the value given to the builder, or its default
     */
    public Map<String, RowTransform> transforms() {
        return transforms;
    }

    /**
     * Returns the fence table's name on the source.
     *
     * @return the value given to the builder, or its default
     */
    public String fenceTable() {
        return fenceTable;
    }

    /**
     * Returns how long {@code start()} waits for the stream to stream.
     *
     * @return the value given to the builder, or its default
     */
    public Duration startTimeout() {
        return startTimeout;
    }

    /**
     * Returns the clock that times lag and progress.
     *
     * @return the value given to the builder, or its default
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Returns the stream's capture session: the dialect's set-up, connector settings and tear-down.
     *
     * @return the value given to the builder
     */
    public CaptureSession session() {
        return session;
    }

    /**
     * Returns the dialect's bulk initial copy, if the stream copies before it streams.
     *
     * @return the initial load, or empty
     */
    public Optional<InitialLoad> initialLoad() {
        return Optional.ofNullable(initialLoad);
    }

    /**
     * Returns how long the stream retries transient errors before it fails.
     *
     * @return the value given to the builder, or its default
     */
    public Duration recoveryBudget() {
        return recoveryBudget;
    }

    /**
     * Returns what messages call the source ({@code "blue"}, say).
     *
     * @return the value given to the builder, or {@code "its source"}
     */
    public String sourceLabel() {
        return sourceLabel;
    }

    /**
     * Returns what messages call the target ({@code "green"}, say).
     *
     * @return the value given to the builder, or {@code "its target"}
     */
    public String targetLabel() {
        return targetLabel;
    }

    /**
     * Returns how long a streaming stream may hear nothing from its source (no change, no
     * heartbeat) before it replaces its engine through its recovery.
     *
     * @return the value given to the builder, or {@link DialectBuilder#DEFAULT_STALL_TIMEOUT}
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Returns whether a start that fails with a transient error recovers (the stream is then
     * {@code RECOVERING} and retries) instead of failing.
     *
     * @return the value given to the builder; false by default
     */
    public boolean retriesStart() {
        return retriesStart;
    }

    /**
     * Returns the transform of a source table.
     *
     * @param table the source table's name
     * @return its transform, or {@link RowTransform#IDENTITY}
     */
    public RowTransform transform(String table) {
        return transforms.getOrDefault(table, RowTransform.IDENTITY);
    }

    /** Builds a {@link CaptureSpec}. Not thread-safe. */
    public static final class Builder {
        private String name;
        private CaptureDialect dialect;
        private DataSource source;
        private DataSource target;
        private final Map<String, RowTransform> transforms = new LinkedHashMap<>();
        private String fenceTable = DEFAULT_FENCE_TABLE;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private CaptureSession session;
        private InitialLoad initialLoad;
        private Duration recoveryBudget = DialectBuilder.DEFAULT_RECOVERY_BUDGET;
        private String sourceLabel = "its source";
        private String targetLabel = "its target";
        private Duration stallTimeout = DialectBuilder.DEFAULT_STALL_TIMEOUT;
        private boolean retriesStart;

        private Builder() {
        }

        /**
         * Sets the stream's name: the offset row's key, the fence row's key, the engine's name.
         *
         * @param name letters, digits, {@code _ . -}; at most 120
         * @return this builder
         * @throws IllegalArgumentException if the name has other characters
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("stream name must match " + NAME + ", was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the dialect.
         *
         * @param dialect the dialect
         * @return this builder
         */
        public Builder dialect(CaptureDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * Sets where fences are written (the source of the change stream).
         *
         * @param source the source
         * @return this builder
         */
        public Builder source(DataSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets where changes and offsets are written.
         *
         * @param target the target
         * @return this builder
         */
        public Builder target(DataSource target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Sets the transform of one source table (unqualified name); tables without one are copied as they are.
         *
         * @param table the source table
         * @param transform the transform
         * @return this builder
         */
        public Builder transform(String table, RowTransform transform) {
            transforms.put(Objects.requireNonNull(table, "table"), Objects.requireNonNull(transform, "transform"));
            return this;
        }

        /**
         * Sets the fence table's name on the source (default {@value FenceTable#DEFAULT_NAME}).
         *
         * @param fenceTable the name
         * @return this builder
         */
        public Builder fenceTable(String fenceTable) {
            this.fenceTable = Objects.requireNonNull(fenceTable, "fenceTable");
            return this;
        }

        /**
         * Sets how long {@code start()} waits for the connector to be streaming.
         *
         * @param startTimeout positive
         * @return this builder
         */
        public Builder startTimeout(Duration startTimeout) {
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Sets the clock for lag and fence timing.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the stream's capture session: what the host's lifecycle calls before each start
         * (the dialect's checks and set-up, returning the connector settings), when the engine
         * does not stop, and after close (the dialect's clean-up).
         *
         * @param session the session
         * @return this builder
         */
        public Builder session(CaptureSession session) {
            this.session = Objects.requireNonNull(session, "session");
            return this;
        }

        /**
         * Sets the bulk initial copy run before the engine when the target has no stored offset
         * for the stream (default none: the connector's own settings decide whether and how it
         * copies). The dialect's connector settings must then not snapshot data.
         *
         * @param initialLoad the copy
         * @return this builder
         */
        public Builder initialLoad(InitialLoad initialLoad) {
            this.initialLoad = Objects.requireNonNull(initialLoad, "initialLoad");
            return this;
        }

        /**
         * Sets how long the stream retries transient errors (connection lost, server restarting,
         * failover, lock timeouts) before it fails (default
         * {@link DialectBuilder#DEFAULT_RECOVERY_BUDGET}).
         *
         * @param budget positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder recoveryBudget(Duration budget) {
            Objects.requireNonNull(budget, "recoveryBudget");
            if (budget.isNegative() || budget.isZero()) {
                throw new IllegalArgumentException("recoveryBudget must be positive, was " + budget);
            }
            this.recoveryBudget = budget;
            return this;
        }

        /**
         * Sets how long a streaming stream may hear nothing from its source (no change, no
         * heartbeat) before it takes the connection for stalled and replaces its engine through
         * its recovery (default {@link DialectBuilder#DEFAULT_STALL_TIMEOUT}). Keep it well above
         * the connector's heartbeat interval.
         *
         * @param timeout positive
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if not positive
         */
        public Builder stallTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "stallTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive, was " + timeout);
            }
            this.stallTimeout = timeout;
            return this;
        }

        /**
         * Sets whether a start that fails with a transient error (the source or target unreachable
         * for a moment, a connection reset) recovers instead of failing: {@code start()} then
         * returns with the stream {@code RECOVERING}, retrying within the recovery budget. For
         * streams nobody waits on to fix a setting, such as the reverse stream a cutover starts
         * right after its flip. Default false: {@code start()} throws.
         *
         * @param retry whether to retry
         * @return this builder
         */
        public Builder retryStart(boolean retry) {
            this.retriesStart = retry;
            return this;
        }

        /**
         * Sets what messages call the source and the target, e.g. {@code "blue"} and {@code "green"}.
         *
         * @param source the source's label
         * @param target the target's label
         * @return this builder
         * @throws IllegalArgumentException if a label is blank
         */
        public Builder sides(String source, String target) {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            if (source.isBlank() || target.isBlank()) {
                throw new IllegalArgumentException("side labels must not be blank");
            }
            this.sourceLabel = source;
            this.targetLabel = target;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalStateException if name, dialect, session, source or target is missing
         */
        public CaptureSpec build() {
            if (name == null || dialect == null || session == null || source == null || target == null) {
                throw new IllegalStateException("a capture stream needs name, dialect, session, source and target (name="
                        + name + ", dialect=" + dialect + ", session=" + session + ")");
            }
            return new CaptureSpec(this);
        }
    }
}
