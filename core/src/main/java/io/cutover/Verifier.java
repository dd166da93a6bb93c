package io.cutover;

import io.cutover.internal.ChunkedVerifier;
import io.cutover.internal.VerifyTable;
import io.cutover.spi.ColumnValues;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Compares a replication link's source tables, passed through each table's {@link RowTransform},
 * with its target tables while writes go on: a diff of blue and green.
 *
 * <p>Each table is read in chunks of consecutive primary keys (keyset pagination), the source's
 * chunk and the target's rows of the same key range; the two chunks' checksums are compared, and
 * a chunk that differs is compared row by row. A differing row may only be a change the stream
 * has not applied yet, so it is read again after a fence has reached the target (and on the
 * source before and after that, to tell a settled row from one still changing): only rows that
 * still differ are reported, with their keys. Keys must be equal on both sides (a transform may
 * rename key columns, not change key values); the key columns are found through JDBC metadata.
 *
 * <p>Progress is logged at INFO at most every {@code progressInterval} and passed to a listener
 * after every chunk. A built verifier is immutable and may be run many times, from any thread.
 *
 * <pre>{@code
 * VerifyReport report = Verifier.builder()
 *         .source(blue).target(green)
 *         .table("users", "users", usersV1ToV2)
 *         .fence(link.stream())
 *         .build()
 *         .run();
 * }</pre>
 */
public interface Verifier {

    /**
     * Compares every table, one after the other.
     *
     * @return what was found
     * @throws CutoverException (phase PREFLIGHT) if a table or its primary key cannot be found, a
     *     query fails, or a transform throws on a source row
     * @throws CatchUpTimeoutException if a fence does not reach the target in time
     */
    VerifyReport run();

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Verifier}; validates as it goes and again in {@link #build()}. Not thread-safe. */
    final class Builder {
        private DataSource source;
        private DataSource target;
        private String sourceSchema;
        private String targetSchema;
        private final List<VerifyTable> tables = new ArrayList<>();
        private VerifyOptions options = VerifyOptions.defaults();
        private Runnable fence = () -> { };
        private ReplicationStream stream;
        private ColumnValues values = ColumnValues.JDBC;
        private Clock clock = Clock.systemUTC();
        private Consumer<VerifyProgress> progress = p -> { };
        private Duration progressInterval = Duration.ofSeconds(10);

        Builder() {
        }

        /**
         * Sets the source's connections (read only).
         *
         * @param source the source
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder source(DataSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets the target's connections (read only).
         *
         * @param target the target
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder target(DataSource target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Sets the schema (PostgreSQL) or database (MySQL) the tables are in on each side; by
         * default the connection's current one.
         *
         * @param sourceSchema on the source, or null for the current one
         * @param targetSchema on the target, or null for the current one
         * @return this builder
         */
        public Builder schemas(String sourceSchema, String targetSchema) {
            this.sourceSchema = sourceSchema;
            this.targetSchema = targetSchema;
            return this;
        }

        /**
         * Adds a table with the same name and rows on both sides.
         *
         * @param table the table's name
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if blank
         */
        public Builder table(String table) {
            return table(table, table, RowTransform.IDENTITY);
        }

        /**
         * Adds a table and the transform the stream applies to its rows.
         *
         * @param sourceTable the table's name on the source, as the transform's rows name it
         * @param targetTable its name on the target
         * @param transform the stream's transform of its rows, {@link RowTransform#IDENTITY} for none
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if a name is blank
         * @throws IllegalStateException if the source table was added already
         */
        public Builder table(String sourceTable, String targetTable, RowTransform transform) {
            VerifyTable t = new VerifyTable(name(sourceTable, "sourceTable"), name(targetTable, "targetTable"),
                    Objects.requireNonNull(transform, "transform"));
            if (tables.stream().anyMatch(x -> x.sourceTable().equals(sourceTable))) {
                throw new IllegalStateException("table '" + sourceTable + "' is added twice; add each table once");
            }
            tables.add(t);
            return this;
        }

        private static String name(String name, String what) {
            Objects.requireNonNull(name, what);
            if (name.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return name;
        }

        /**
         * Sets chunk size, keys reported, re-checks and fence timeout at once.
         *
         * @param options the options
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder options(VerifyOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets the source rows per chunk (default 1000).
         *
         * @param rows positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder chunkSize(int rows) {
            options = options.withChunkSize(rows);
            return this;
        }

        /**
         * Sets how many differing rows are listed per table (default 100); the rest are counted.
         *
         * @param keys not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxKeysReported(int keys) {
            options = options.withMaxKeysReported(keys);
            return this;
        }

        /**
         * Sets how many times a suspect row is read again after a fence (default 5).
         *
         * @param times positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder rechecks(int times) {
            options = options.withRechecks(times);
            return this;
        }

        /**
         * Sets the stream from source to target; each re-check first waits for
         * {@link ReplicationStream#awaitFence(Duration)} with the options' fence timeout.
         *
         * @param stream the forward stream
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder fence(ReplicationStream stream) {
            this.stream = Objects.requireNonNull(stream, "stream");
            return this;
        }

        /**
         * Sets what a re-check runs first to make the target catch up with the source, for a
         * target fed by something other than a {@link ReplicationStream}. Without one (and
         * without a stream) re-checks just read again.
         *
         * @param fence returns once the target has every change the source committed before the call
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder fence(Runnable fence) {
            this.fence = Objects.requireNonNull(fence, "fence");
            return this;
        }

        /**
         * Sets how column values are read (default {@link ColumnValues#JDBC}).
         *
         * @param values the reader
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder values(ColumnValues values) {
            this.values = Objects.requireNonNull(values, "values");
            return this;
        }

        /**
         * Sets the clock that times the run and paces the progress log.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets a listener called after every chunk, on the running thread; its exceptions are
         * logged and ignored.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder progress(Consumer<VerifyProgress> listener) {
            this.progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the least time between two progress lines in the log (default 10 s).
         *
         * @param interval positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder progressInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("progressInterval must be positive, was " + interval);
            }
            this.progressInterval = interval;
            return this;
        }

        /**
         * Builds the verifier; connects to nothing.
         *
         * @return the verifier
         * @throws IllegalStateException if source, target or every table is missing
         */
        public Verifier build() {
            if (source == null || target == null) {
                throw new IllegalStateException("a verifier needs source(...) and target(...)");
            }
            if (tables.isEmpty()) {
                throw new IllegalStateException("a verifier needs at least one table(...)");
            }
            ReplicationStream s = stream;
            VerifyOptions o = options;
            Runnable f = s == null ? fence : () -> s.awaitFence(o.fenceTimeout());
            return new ChunkedVerifier(new ChunkedVerifier.Settings(source, target, sourceSchema, targetSchema,
                    List.copyOf(tables), o, f, values, clock, progress, progressInterval));
        }
    }
}
