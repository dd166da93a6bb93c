package io.cutover.mysql;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.Side;
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
    final Path stateDir;
    final long forwardServerId;
    final long reverseServerId;
    final Runnable beforeCommit;
    private final Map<Side, Flavour> flavours = new ConcurrentHashMap<>();

    MySqlSettings(MySqlCutover.Builder b) {
        this.name = b.name();
        this.blue = b.blue();
        this.green = b.green();
        this.tables = new SideTables(b.tables(), b.greenNames(), b.forward(), b.reverse());
        this.appUsers = List.copyOf(b.appUsers());
        this.autoIncrementHeadroom = b.autoIncrementHeadroom();
        this.guardLockWait = b.guardLockWait();
        this.startTimeout = b.startTimeout();
        this.stateDir = b.stateDir();
        this.forwardServerId = b.forwardServerId();
        this.reverseServerId = b.reverseServerId();
        this.beforeCommit = b.beforeCommit();
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
