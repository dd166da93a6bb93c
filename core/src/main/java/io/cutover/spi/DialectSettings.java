package io.cutover.spi;

import io.cutover.Side;
import io.cutover.TlsMode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What every dialect builder collects, checked and copied by {@link DialectBuilder#settings()}:
 * the dialect turns it into its own links. Immutable.
 *
 * @param name the cutover's name, as given
 * @param blue where blue is and whom Cutover logs in as
 * @param green where green is and whom Cutover logs in as
 * @param dataSources the DataSources given for a side's JDBC connections, by side; absent for a side Cutover
 *     connects to itself
 * @param tables the replicated tables as each side names them, and their transforms
 * @param tls how Cutover's connections use TLS
 * @param sequenceHeadroom how far past the source's value a target's sequence or AUTO_INCREMENT moves
 * @param startTimeout how long a stream's start may take
 * @param guardLockTimeout how long engaging the write guard may wait for locks
 * @param copyParallelism how many workers the initial copy may use
 * @param initialCopy whether the forward stream copies existing rows first
 * @param recoveryBudget how long a stream may retry transient errors before it fails
 * @param stallTimeout how long a streaming stream may hear nothing from its source before it replaces its engine
 */
public record DialectSettings(String name, ServerAddress blue, ServerAddress green, Map<Side, DataSource> dataSources,
        SideTables tables, TlsMode tls, long sequenceHeadroom, Duration startTimeout, Duration guardLockTimeout,
        int copyParallelism, boolean initialCopy, Duration recoveryBudget, Duration stallTimeout) {

    /**
     * Copies the map of DataSources.
     */
    public DialectSettings {
        dataSources = Map.copyOf(dataSources);
        java.util.Objects.requireNonNull(recoveryBudget, "recoveryBudget");
        java.util.Objects.requireNonNull(stallTimeout, "stallTimeout");
    }

    /**
     * The settings with the default stall bound, {@link DialectBuilder#DEFAULT_STALL_TIMEOUT}.
     *
     * @param name the cutover's name
     * @param blue blue's address
     * @param green green's address
     * @param dataSources the DataSources given, by side
     * @param tables the replicated tables
     * @param tls the TLS mode
     * @param sequenceHeadroom the sequence / AUTO_INCREMENT headroom
     * @param startTimeout how long a stream's start may take
     * @param guardLockTimeout how long engaging the guard may wait
     * @param copyParallelism the copy's workers
     * @param initialCopy whether the forward stream copies first
     * @param recoveryBudget how long a stream may retry transient errors
     */
    public DialectSettings(String name, ServerAddress blue, ServerAddress green, Map<Side, DataSource> dataSources,
            SideTables tables, TlsMode tls, long sequenceHeadroom, Duration startTimeout, Duration guardLockTimeout,
            int copyParallelism, boolean initialCopy, Duration recoveryBudget) {
        this(name, blue, green, dataSources, tables, tls, sequenceHeadroom, startTimeout, guardLockTimeout, copyParallelism,
                initialCopy, recoveryBudget, DialectBuilder.DEFAULT_STALL_TIMEOUT);
    }

    /**
     * The settings with the default recovery budget, {@link DialectBuilder#DEFAULT_RECOVERY_BUDGET}.
     *
     * @param name the cutover's name
     * @param blue blue's address
     * @param green green's address
     * @param dataSources the DataSources given, by side
     * @param tables the replicated tables
     * @param tls the TLS mode
     * @param sequenceHeadroom the sequence / AUTO_INCREMENT headroom
     * @param startTimeout how long a stream's start may take
     * @param guardLockTimeout how long engaging the guard may wait
     * @param copyParallelism the copy's workers
     * @param initialCopy whether the forward stream copies first
     */
    public DialectSettings(String name, ServerAddress blue, ServerAddress green, Map<Side, DataSource> dataSources,
            SideTables tables, TlsMode tls, long sequenceHeadroom, Duration startTimeout, Duration guardLockTimeout,
            int copyParallelism, boolean initialCopy) {
        this(name, blue, green, dataSources, tables, tls, sequenceHeadroom, startTimeout, guardLockTimeout, copyParallelism,
                initialCopy, DialectBuilder.DEFAULT_RECOVERY_BUDGET, DialectBuilder.DEFAULT_STALL_TIMEOUT);
    }

    /**
     * Returns a side's address.
     *
     * @param side the side
     * @return blue's or green's address
     */
    public ServerAddress address(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    /**
     * Returns the DataSource given for a side, if one was.
     *
     * @param side the side
     * @return the DataSource, or empty when Cutover opens its own connections there
     */
    public Optional<DataSource> dataSource(Side side) {
        return Optional.ofNullable(dataSources.get(side));
    }
}
