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
 */
public record DialectSettings(String name, ServerAddress blue, ServerAddress green, Map<Side, DataSource> dataSources,
        SideTables tables, TlsMode tls, long sequenceHeadroom, Duration startTimeout, Duration guardLockTimeout,
        int copyParallelism, boolean initialCopy) {

    /**
     * Copies the map of DataSources.
     */
    public DialectSettings {
        dataSources = Map.copyOf(dataSources);
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
