/**
 * Fakes for an application's own unit tests: a replication link and stream, a write guard, a
 * recording {@code DataSource} and a manual clock. No database and no Debezium needed.
 */
module io.cutover.testing {
    requires transitive io.cutover.core;

    exports io.cutover.testing;
}
