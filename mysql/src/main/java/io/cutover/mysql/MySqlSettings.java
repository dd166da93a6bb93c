package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.Side;
import io.cutover.spi.DialectSettings;
import io.cutover.spi.SideTables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/** Immutable settings shared by the links of one MySQL-family cutover (both directions). */
final class MySqlSettings {
    final String name;
    final Endpoint blue;
    final Endpoint green;
    final SideTables tables;
    final List<String> appUsers;
    final long autoIncrementHeadroom;
    final Duration guardLockWait;
    final Duration startTimeout;
    final Duration recoveryBudget;
    final Duration stallTimeout;
    final Path stateDir;
    final long forwardServerId;
    final long reverseServerId;
    final int copyParallelism;
    private final Map<Side, DataSource> dataSources;
    private final Map<Side, Flavour> flavours = new ConcurrentHashMap<>();
    /** Links over these settings not closed yet; finish() refuses while another one is open. */
    final java.util.Set<io.cutover.ReplicationLink> live = ConcurrentHashMap.newKeySet();

    MySqlSettings(DialectSettings s, List<String> appUsers, Path stateDir, long forwardServerId, long reverseServerId) {
        this.name = s.name();
        this.blue = Endpoint.of(s.blue(), s.tls());
        this.green = Endpoint.of(s.green(), s.tls());
        this.tables = s.tables();
        this.appUsers = List.copyOf(appUsers);
        this.autoIncrementHeadroom = s.sequenceHeadroom();
        this.guardLockWait = s.guardLockTimeout();
        this.startTimeout = s.startTimeout();
        this.recoveryBudget = s.recoveryBudget();
        this.stallTimeout = s.stallTimeout();
        this.stateDir = stateDir;
        this.forwardServerId = forwardServerId;
        this.reverseServerId = reverseServerId;
        this.copyParallelism = s.copyParallelism();
        this.dataSources = s.dataSources();
    }

    /**
     * Returns where a side's pooled JDBC connections come from.
     *
     * @param side the side
     * @return a pool over the DataSource the builder was given for it, or over its endpoint
     */
    EndpointDataSource dataSource(Side side) {
        return new EndpointDataSource(endpoint(side), dataSources.get(side));
    }

    Endpoint endpoint(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    /** Returns the id of the stream reading a side. */
    long serverId(Side source) {
        return source == Side.BLUE ? forwardServerId : reverseServerId;
    }

    /**
     * Returns a side's flavour, asking the server the first time.
     *
     * @param side the side
     * @return its flavour
     * @throws CutoverException (phase PREFLIGHT) if the server cannot be asked
     */
    Flavour flavour(Side side) {
        return flavours.computeIfAbsent(side, s -> {
            Endpoint e = endpoint(s);
            try (Connection c = e.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                rs.next();
                return Flavour.fromVersion(rs.getString(1));
            } catch (SQLException ex) {
                throw new io.cutover.PreflightException(MySqlPreflight.connectProblem(s.toString(), e, ex), ex);
            }
        });
    }
}
