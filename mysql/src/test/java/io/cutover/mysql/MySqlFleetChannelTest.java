package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.cutover.Side;
import io.cutover.spi.FleetChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MySqlFleetChannelTest {

    @Test
    void fleetChannel_pollsAtTheDefault_orAtTheIntervalGiven() {
        try (FleetChannel byDefault = MySqlCutover.fleetChannel("orders", new MysqlDataSource(), new MysqlDataSource());
                FleetChannel slow = MySqlCutover.fleetChannel("orders", new MysqlDataSource(), new MysqlDataSource(),
                        Side.BLUE, Duration.ofMillis(20))) {
            assertThat(byDefault.pollInterval()).isEqualTo(MySqlCutover.DEFAULT_FLEET_POLL);
            assertThat(slow.pollInterval()).isEqualTo(Duration.ofMillis(20));
        }
    }

    @Test
    void fleetChannel_rejectsAnIntervalOutOfRange_sayingTheBounds() {
        assertThatThrownBy(() -> MySqlCutover.fleetChannel("orders", new MysqlDataSource(), new MysqlDataSource(), Side.BLUE,
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 ms and 1000 ms");
        assertThatThrownBy(() -> MySqlCutover.fleetChannel("orders", new MysqlDataSource(), new MysqlDataSource(), Side.BLUE,
                Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 2000 ms");
        assertThatThrownBy(() -> MySqlCutover.fleetChannel("orders", new MysqlDataSource(), new MysqlDataSource(), Side.BLUE,
                null)).isInstanceOf(NullPointerException.class).hasMessageContaining("pollInterval");
    }
}
