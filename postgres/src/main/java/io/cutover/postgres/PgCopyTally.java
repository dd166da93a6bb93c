package io.cutover.postgres;

import io.cutover.RowTransform;
import io.cutover.spi.InitialLoad;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The copy's context as the workers see it: everything passes to the host's, and each table is
 * reported {@linkplain InitialLoad.Context#tableCopied copied} once the last of its chunks is, for
 * the stream's status. The workers report a chunk through {@link #copied} after committing it.
 * Thread-safe.
 */
final class PgCopyTally implements InitialLoad.Context {

    private final InitialLoad.Context host;
    private final Map<String, AtomicInteger> chunksLeft = new ConcurrentHashMap<>();

    /**
     * Plans the tally: tells the host of every table with its estimated rows, and reports at once
     * the tables that have no chunk to copy.
     *
     * @param host the host's context
     * @param tables the tables planned
     * @param estimates the source's row estimate per source table, {@code -1} where it has none
     * @param chunks the chunks the workers will copy, each reported once through {@link #copied}
     */
    PgCopyTally(InitialLoad.Context host, List<PgCopyTable> tables, Map<String, Long> estimates, List<PgCopyChunk> chunks) {
        this.host = host;
        for (PgCopyChunk c : chunks) {
            chunksLeft.computeIfAbsent(c.table().sourceTable(), t -> new AtomicInteger()).incrementAndGet();
        }
        for (PgCopyTable t : tables) {
            host.tablePlanned(t.sourceTable(), estimates.getOrDefault(t.sourceTable(), -1L));
        }
        for (PgCopyTable t : tables) {
            if (!chunksLeft.containsKey(t.sourceTable())) {
                host.tableCopied(t.sourceTable());
            }
        }
    }

    /** One chunk of {@code table} is committed with {@code rows} rows; the table is copied with its last chunk. */
    @Override
    public void copied(String table, long rows) {
        host.copied(table, rows);
        AtomicInteger left = chunksLeft.get(table);
        if (left != null && left.decrementAndGet() == 0) {
            host.tableCopied(table);
        }
    }

    @Override
    public String stream() {
        return host.stream();
    }

    @Override
    public DataSource source() {
        return host.source();
    }

    @Override
    public DataSource target() {
        return host.target();
    }

    @Override
    public RowTransform transform(String sourceTable) {
        return host.transform(sourceTable);
    }

    @Override
    public boolean cancelled() {
        return host.cancelled();
    }

    @Override
    public void tablePlanned(String sourceTable, long estimatedRows) {
        host.tablePlanned(sourceTable, estimatedRows);
    }

    @Override
    public void tableCopied(String sourceTable) {
        host.tableCopied(sourceTable);
    }

    @Override
    public void positionFixed(InitialLoad.Start start) {
        host.positionFixed(start);
    }

    @Override
    public void recordTable(String targetTable, boolean wasEmpty) throws SQLException {
        host.recordTable(targetTable, wasEmpty);
    }

    @Override
    public Map<String, Boolean> recordedTables() throws SQLException {
        return host.recordedTables();
    }

    @Override
    public void forgetRecordedTables() throws SQLException {
        host.forgetRecordedTables();
    }
}
