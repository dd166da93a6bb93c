package io.cutover.capture;

import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a connector is connected to its source now, as its streaming metrics say: the
 * {@code Connected} attribute Debezium registers on the platform MBean server under
 * {@code debezium.<connector>:type=connector-metrics,context=streaming,server=<topic prefix>}.
 *
 * <p>A binlog connector (MySQL, MariaDB) reconnects inside the connector when its source restarts:
 * the engine keeps polling, no error reaches the stream, and only this attribute shows that the
 * client lost its server. A connector without the metrics (not registered yet, or a dialect that
 * has no such attribute) counts as connected: the silence limit still applies to it. The metrics
 * read false before the connector first connects, too: {@link ApplyProgress} counts a run's source
 * as lost only once the run saw it {@linkplain #saysConnected() connected}, sampled as batches arrive.
 * Thread-safe; the metrics' name is looked up until found, then kept.
 */
interface SourceConnection {

    /** A source always taken as connected. */
    SourceConnection UNKNOWN = () -> true;

    /**
     * Returns whether the connector is connected to its source.
     *
     * @return false only if the connector says it is not
     */
    boolean connected();

    /**
     * Returns whether the connector says it is connected, read from it rather than assumed: a
     * connector whose metrics are not there yet does not count. A run counts its source as lost
     * only after this once read true, since the metrics read false before the first connect too.
     *
     * @return true only if the connector reports it is connected
     */
    default boolean saysConnected() {
        return connected();
    }

    /**
     * The connection of the connector whose topic prefix is {@code topicPrefix}.
     *
     * @param topicPrefix the connector's {@code topic.prefix}, or null
     * @return its connection, or {@link #UNKNOWN} without a prefix
     */
    static SourceConnection of(String topicPrefix) {
        // Debezium puts the prefix into the name as it is: one that JMX would need quoted is not looked for.
        return topicPrefix == null || !topicPrefix.matches("[A-Za-z0-9_.-]+") ? UNKNOWN : new StreamingMetrics(topicPrefix);
    }

    /** Reads the streaming metrics' {@code Connected} attribute. */
    final class StreamingMetrics implements SourceConnection {
        private static final Logger LOG = LoggerFactory.getLogger(StreamingMetrics.class);
        private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        private final ObjectName pattern;
        private volatile ObjectName found;
        private volatile Boolean lastRead;

        StreamingMetrics(String topicPrefix) {
            try {
                pattern = new ObjectName("debezium.*:type=connector-metrics,context=streaming,server="
                        + topicPrefix + ",*");
            } catch (JMException e) {
                throw new IllegalArgumentException("topic prefix '" + topicPrefix + "' makes no JMX name: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean connected() {
            return !Boolean.FALSE.equals(read());
        }

        @Override
        public boolean saysConnected() {
            return Boolean.TRUE.equals(read());
        }

        /** The attribute's value, or null without the metrics. */
        private Boolean read() {
            ObjectName name = found;
            if (name == null) {
                name = lookUp();
                if (name == null) {
                    return null;
                }
            }
            try {
                Object value = server.getAttribute(name, "Connected");
                boolean connected = !Boolean.FALSE.equals(value);
                if (lastRead == null || connected != lastRead) {
                    LOG.info("{} reads Connected={}", name, connected);
                    lastRead = connected;
                }
                return value instanceof Boolean b ? b : null;
            } catch (JMException e) {
                found = null; // unregistered when the engine stopped: look up again
                return null;
            }
        }

        private ObjectName lookUp() {
            ObjectName name = match(pattern);
            if (name == null) {
                LOG.debug("no streaming metrics match {} yet", pattern);
            }
            found = name;
            return name;
        }

        private ObjectName match(ObjectName query) {
            Set<ObjectName> names = server.queryNames(query, null);
            for (ObjectName n : names) {
                try {
                    if (hasConnected(n)) {
                        return n;
                    }
                } catch (JMException e) {
                    LOG.debug("metrics {} not readable: {}", n, e.getMessage());
                }
            }
            return null;
        }

        private boolean hasConnected(ObjectName n) throws JMException {
            for (var a : server.getMBeanInfo(n).getAttributes()) {
                if ("Connected".equals(a.getName())) {
                    return true;
                }
            }
            return false;
        }
    }
}
