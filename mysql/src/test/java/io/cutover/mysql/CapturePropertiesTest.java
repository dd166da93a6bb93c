package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The binlog client's and Debezium's JDBC connections are bounded and probed, for both flavours. */
class CapturePropertiesTest {

    private static Properties of(Flavour flavour) {
        return CaptureProperties.of(flavour, new Endpoint("db", 3306, "shop", "cutover", "secret"), "orders", 42,
                List.of("orders"), Path.of("/tmp/state"), "no_data", CaptureProperties.DEFAULT_SNAPSHOT_LOCKING);
    }

    @Test
    void theBinlogClient_connectsWithinFiveSeconds_andChecksItsConnectionEveryThree() {
        for (Flavour flavour : Flavour.values()) {
            Properties p = of(flavour);
            assertThat(p.getProperty("connect.timeout.ms")).as(flavour.name()).isEqualTo("5000");
            assertThat(p.getProperty("connect.keep.alive")).as(flavour.name()).isNull(); // on by default
            assertThat(Long.parseLong(p.getProperty("connect.keep.alive.interval.ms"))).as(flavour.name())
                    .isBetween(1_000L, 10_000L);
        }
    }

    @Test
    void debeziumsJdbcConnections_useTcpKeepAlive_andNoSocketTimeout() {
        for (Flavour flavour : Flavour.values()) {
            Properties p = of(flavour);
            assertThat(p.getProperty("driver.tcpKeepAlive")).as(flavour.name()).isEqualTo("true");
            assertThat(p.getProperty("driver.socketTimeout")).as(flavour.name()).isNull();
        }
    }
}
