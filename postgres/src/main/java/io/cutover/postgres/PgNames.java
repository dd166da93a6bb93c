package io.cutover.postgres;

import io.cutover.Side;
import io.cutover.spi.CaptureSpec;
import java.util.Locale;

/**
 * The names one stream uses on its source: slot, publication, Debezium topic prefix, fence table,
 * guard objects. Derived from the cutover's name and the direction, so two cutovers on one server never
 * share a slot. Immutable.
 *
 * @param base the cutover's name, lower case, letters digits and underscores
 * @param source the side changes come from
 * @param schema the schema of the replicated tables
 */
record PgNames(String base, Side source, String schema) {

    static String sanitize(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (s.isEmpty() || s.length() > 40) {
            throw new IllegalArgumentException("cutover name must be 1 to 40 characters, was '" + name + "'");
        }
        return s;
    }

    private String direction() {
        return source == Side.BLUE ? "b2g" : "g2b";
    }

    String stream() {
        return base + "-" + source + "-to-" + source.other();
    }

    String slot() {
        return "cutover_" + base + "_" + direction();
    }

    String publication() {
        return "cutover_" + base + "_" + direction();
    }

    String topicPrefix() {
        return "cutover_" + base + "_" + direction();
    }

    /** The capture host's fence table, in the replicated tables' schema. */
    String fenceTable() {
        return schema + "." + CaptureSpec.DEFAULT_FENCE_TABLE;
    }

    String heartbeatKey() {
        return stream() + "#heartbeat";
    }

    PgNames reverse() {
        return new PgNames(base, source.other(), schema);
    }
}
