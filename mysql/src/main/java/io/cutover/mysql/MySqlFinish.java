package io.cutover.mysql;

import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.Side;
import io.cutover.spi.CaptureHost;
import io.cutover.spi.Teardown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Removes what one MySQL-family migration left, once its links are closed: {@code read_only} on
 * the live side if this link's guard set it, and on the old side when asked (otherwise it is
 * reported as left in place), the capture host's control tables on both servers, and both
 * streams' schema history files. Binlog capture reserves nothing on the server, and the
 * AUTO_INCREMENT hand-off and the reverse stream's seeded position leave nothing but the counters
 * and the host's offset rows. Used by one thread.
 */
final class MySqlFinish {

    private static final String LIFT = "SET GLOBAL read_only = OFF";

    private final MySqlSettings settings;
    private final Side live;
    private final String link;
    private final String fenceTable;
    private final boolean liveGuardEngaged;

    /**
     * @param settings the migration's settings
     * @param live the side the finished link reads from: where the application writes
     * @param link the finished link's stream name
     * @param fenceTable the fence table's name (the same for both directions)
     * @param liveGuardEngaged whether the finished link engaged read_only on the live side itself
     */
    MySqlFinish(MySqlSettings settings, Side live, String link, String fenceTable, boolean liveGuardEngaged) {
        this.settings = settings;
        this.live = live;
        this.link = link;
        this.fenceTable = fenceTable;
        this.liveGuardEngaged = liveGuardEngaged;
    }

    /**
     * Runs every removal.
     *
     * @param options whether the old side is made writable, how long each removal may wait for a lock
     * @param closeLink closes the finished link (its stream deletes its own schema history)
     * @return the report
     * @throws io.cutover.FinishIncompleteException if a removal failed; the others ran
     */
    FinishReport run(FinishOptions options, Runnable closeLink) {
        // Closing the link deletes its stream's schema history: seen here, it is reported as removed.
        java.util.Map<Side, Path> before = new java.util.EnumMap<>(Side.class);
        for (Side source : Side.values()) {
            Path history = history(source);
            if (Files.exists(history)) {
                before.put(source, history);
            }
        }
        closeLink.run();
        long waitSeconds = Math.max(1, (options.timeout().toMillis() + 999) / 1000);
        try (EndpointDataSource blue = settings.dataSource(Side.BLUE); EndpointDataSource green = settings.dataSource(Side.GREEN);
                Teardown t = new Teardown(link)) {
            for (EndpointDataSource data : List.of(blue, green)) {
                Side side = data == blue ? Side.BLUE : Side.GREEN;
                Endpoint e = data.endpoint();
                // The DataSource may log in as another user than the endpoint's: name the server only.
                t.server(side, side + " server at " + e.host() + ":" + e.port() + "/" + e.database(), data,
                        c -> run(c, "SET SESSION lock_wait_timeout = " + waitSeconds
                                + ", SESSION innodb_lock_wait_timeout = " + waitSeconds),
                        c -> run(c, "SET SESSION lock_wait_timeout = DEFAULT, SESSION innodb_lock_wait_timeout = DEFAULT"));
            }
            if (liveGuardEngaged) {
                t.remove(live, "read_only", LIFT, c -> readOnlyOff(live) ? "read_only guard (read_only now OFF)" : null);
            }
            Side old = live.other();
            if (options.makeOldSideWritable()) {
                t.remove(old, "read_only", LIFT, c -> readOnlyOff(old) ? "read_only guard (read_only now OFF)" : null);
            } else {
                t.look(old, c -> {
                    if (readOnly(old)) {
                        t.leftInPlace(old, "read_only = ON: " + old + " refuses writes from users without READ_ONLY ADMIN"
                                + " / SUPER; FinishOptions.makeOldSideWritable(true) lifts it, or by hand: " + LIFT);
                    }
                });
            }
            List<String> streams = List.of(MySqlLink.streamName(settings, Side.BLUE), MySqlLink.streamName(settings, Side.GREEN));
            CaptureHost host = CaptureHost.load();
            for (Side side : Side.values()) {
                // Binlog capture names the fence table: another migration's stream recreates it if it must.
                host.removeControlTables(t, side, fenceTable, streams, List.of(), List.of());
            }
            for (Side source : Side.values()) {
                Path history = history(source);
                try {
                    if (Files.deleteIfExists(history) || before.containsKey(source)) {
                        t.removed(source, "schema history file " + history);
                    }
                } catch (IOException e) {
                    t.failed(source, "schema history file " + history, "rm " + history, e);
                }
            }
            return t.report();
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    // The schema history file of the stream reading a side.
    private Path history(Side source) {
        return settings.stateDir.resolve(CaptureProperties.topicPrefix(MySqlLink.streamName(settings, source))
                + "-schema-history.dat");
    }

    private boolean readOnly(Side side) throws SQLException {
        try (Connection c = settings.endpoint(side).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    // Turns read_only off through the guard's login; false when it was off already.
    private boolean readOnlyOff(Side side) throws SQLException {
        try (Connection c = settings.endpoint(side).connect(); Statement st = c.createStatement()) {
            boolean on;
            try (ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
                rs.next();
                on = rs.getBoolean(1);
            }
            if (on) {
                st.execute(LIFT);
            }
            return on;
        }
    }
}
