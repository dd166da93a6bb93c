package io.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when the starter's test class path, which Spring Boot's dependency management
 * shapes as it shapes an application's, holds another Kafka Connect than the one Debezium is
 * built on. Boot 3.5 manages {@code org.apache.kafka} at 3.9.x; Debezium 3.5 needs 4.1.
 */
class KafkaConnectVersionTest {

    @Test
    void kafkaConnectOnTheClassPath_isTheVersionDebeziumIsBuiltOn() throws Exception {
        String expected = expectedVersion();
        assertThat(expected).as("filtered from the parent POM's kafka.version").doesNotContain("${");
        for (String type : new String[] {"org.apache.kafka.connect.runtime.ConnectorConfig", "org.apache.kafka.connect.data.Schema",
                "org.apache.kafka.connect.json.JsonConverter", "org.apache.kafka.connect.transforms.Cast",
                "org.apache.kafka.clients.consumer.Consumer"}) {
            String jar = Class.forName(type).getProtectionDomain().getCodeSource().getLocation().getPath();
            assertThat(jar).as("the jar of %s", type).endsWith("-" + expected + ".jar");
        }
        assertThat(org.apache.kafka.common.utils.AppInfoParser.getVersion()).isEqualTo(expected);
    }

    private static String expectedVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = KafkaConnectVersionTest.class.getResourceAsStream("/kafka-version.properties")) {
            p.load(in);
        }
        return p.getProperty("kafka.version");
    }
}
