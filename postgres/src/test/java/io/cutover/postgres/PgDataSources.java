package io.cutover.postgres;

import io.cutover.testservers.PostgresServer;

import io.cutover.faults.FaultyDataSource;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** DataSources a test hands to {@code PostgresCutover.Builder.dataSource(side, ...)}. */
final class PgDataSources {

    private PgDataSources() {
    }

    /** A plain pgjdbc DataSource for a test server, with the settings the builder asks for. */
    static DataSource of(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {server.port()});
        ds.setDatabaseName(PostgresServer.DATABASE);
        ds.setUser(PostgresServer.USER);
        ds.setPassword(PostgresServer.PASSWORD);
        ds.setStringType("unspecified");
        ds.setReWriteBatchedInserts(true);
        return ds;
    }

    /** What a copy worker does once a chunk committed. */
    @FunctionalInterface
    interface AfterChunk {
        void run() throws java.sql.SQLException;
    }

    /**
     * A server's DataSource that runs {@code afterChunk} on a copy worker after each chunk of the
     * initial copy committed (copy workers are the threads named {@code cutover-copy-...}).
     */
    static DataSource afterEachCopyChunk(PostgresServer server, AfterChunk afterChunk) {
        return FaultyDataSource.wrap(of(server), new FaultyDataSource.CommitHook() {
            @Override
            public void afterCommit(FaultyDataSource.Commit commit) throws java.sql.SQLException {
                if (commit.thread().startsWith("cutover-copy-")) {
                    afterChunk.run();
                }
            }
        });
    }
}
