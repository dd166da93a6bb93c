/**
 * Cutover's API and SPI: the switchable {@code DataSource}, the write pauser, the cutover
 * orchestration, the row transforms, and the interfaces that capture hosts and dialects implement.
 * No Debezium and no Kafka: a user of {@code WritePauser} alone gets neither.
 */
module io.cutover.core {
    requires transitive java.sql;
    requires org.slf4j;

    exports io.cutover;
    exports io.cutover.spi;
    exports io.cutover.transform;

    uses io.cutover.spi.CaptureHost;
}
