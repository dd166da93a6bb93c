package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Debezium's connections to a PostgreSQL source are bounded, through its database.* pass-through to pgjdbc. */
class PgCaptureTest {

    @Test
    void connectionTimeouts_boundConnectLoginAndEachRead_andProbeTheConnection() {
        Map<String, String> p = new HashMap<>();
        PgCapture.connectionTimeouts(p);
        assertThat(p).containsEntry("database.connectTimeout", "10")
                .containsEntry("database.loginTimeout", "10")
                .containsEntry("database.socketTimeout", "30")
                .containsEntry("database.tcpKeepAlive", "true");
        // The heartbeat (5 s) and the status updates (1 s) keep the replication connection well inside the read bound.
        assertThat(Integer.parseInt(p.get("database.socketTimeout")) * 1000L).isGreaterThan(5 * 5_000L);
    }
}
