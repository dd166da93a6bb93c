package io.cutover.internal.capture;

import io.cutover.RowTransform;
import io.cutover.spi.CaptureDialect;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Everything a {@link DebeziumReplicationStream} needs, built by {@link #builder()} and immutable
 * once built. Dialect modules fill it in: the dialect, the source and target, the tables' transforms.
 */
public final class CaptureConfig {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,120}");

    final String name;
    final CaptureDialect dialect;
    final DataSource source;
    final DataSource target;
    final Map<String, RowTransform> transforms;
    final String fenceTable;
    final Duration startTimeout;
    final Clock clock;
    final Runnable onStart;
    final Runnable onClose;
    final Runnable onStopStalled;
    final Runnable beforeCommit;
    final InitialLoad initialLoad;

    private CaptureConfig(Builder b) {
        this.name = b.name;
        this.dialect = b.dialect;
        this.source = b.source;
        this.target = b.target;
        this.transforms = Map.copyOf(b.transforms);
        this.fenceTable = b.fenceTable;
        this.startTimeout = b.startTimeout;
        this.clock = b.clock;
        this.onStart = b.onStart;
        this.onClose = b.onClose;
        this.onStopStalled = b.onStopStalled;
        this.beforeCommit = b.beforeCommit;
        this.initialLoad = b.initialLoad;
    }

    /**
     * Starts a configuration.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    RowTransform transform(String table) {
        return transforms.getOrDefault(table, RowTransform.IDENTITY);
    }

    /** Builds a {@link CaptureConfig}. Not thread-safe. */
    public static final class Builder {
        private String name;
        private CaptureDialect dialect;
        private DataSource source;
        private DataSource target;
        private final Map<String, RowTransform> transforms = new LinkedHashMap<>();
        private String fenceTable = FenceTable.DEFAULT_NAME;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private Runnable onStart = () -> { };
        private Runnable onClose = () -> { };
        private Runnable onStopStalled = () -> { };
        private Runnable beforeCommit = () -> { };
        private InitialLoad initialLoad;

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
         * Sets what {@code start()} runs first: the dialect's checks and setup (slot, publication).
         * It may throw {@link io.cutover.PreflightException}.
         *
         * @param onStart the setup
         * @return this builder
         */
        public Builder onStart(Runnable onStart) {
            this.onStart = Objects.requireNonNull(onStart, "onStart");
            return this;
        }

        /**
         * Sets what {@code close()} runs after the engine stopped: the dialect's cleanup (slots, publications).
         *
         * @param onClose the cleanup
         * @return this builder
         */
        public Builder onClose(Runnable onClose) {
            this.onClose = Objects.requireNonNull(onClose, "onClose");
            return this;
        }

        /**
         * Sets what runs when the engine has not stopped a few seconds after being asked to: the
         * dialect can end the server side of the capture connection (a PostgreSQL walsender) so a
         * connector blocked on it gives up. Must not remove the stream's position (slot).
         *
         * @param onStopStalled the hook
         * @return this builder
         */
        public Builder onStopStalled(Runnable onStopStalled) {
            this.onStopStalled = Objects.requireNonNull(onStopStalled, "onStopStalled");
            return this;
        }

        /**
         * Sets a hook run inside every apply transaction just before its commit; for tests that
         * simulate a crash (throw from it) at the worst moment.
         *
         * @param beforeCommit the hook
         * @return this builder
         */
        public Builder beforeCommit(Runnable beforeCommit) {
            this.beforeCommit = Objects.requireNonNull(beforeCommit, "beforeCommit");
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
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalStateException if name, dialect, source or target is missing
         */
        public CaptureConfig build() {
            if (name == null || dialect == null || source == null || target == null) {
                throw new IllegalStateException("a capture stream needs name, dialect, source and target (name="
                        + name + ", dialect=" + dialect + ")");
            }
            return new CaptureConfig(this);
        }
    }
}
