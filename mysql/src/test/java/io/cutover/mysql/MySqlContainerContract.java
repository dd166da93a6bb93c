package io.cutover.mysql;

import io.cutover.Side;
import io.cutover.contract.ReplicationLinkContract;
import io.cutover.ReplicationLink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.mysql.MySQLContainer;

/**
 * The link contract on a pair of MySQL containers; subclasses pick the version. Runs only where
 * a Docker engine exists.
 */
abstract class MySqlContainerContract extends ReplicationLinkContract {
    @TempDir
    static Path state;

    /** Returns the running pair. */
    abstract MySqlPair pair();

    private MySQLContainer server(Side side) {
        return side == Side.BLUE ? pair().blue : pair().green;
    }

    @Override
    protected DataSource admin(Side side) {
        return new EndpointDataSource(MySqlPair.endpoint(server(side), MySqlPair.OWNER));
    }

    @Override
    protected ReplicationLink link(String name, String... tables) {
        MySQLContainer blue = pair().blue;
        MySQLContainer green = pair().green;
        long id = 7600 + 2L * Math.floorMod(name.hashCode(), 300);
        return MySqlCutover.builder().name(name)
                .blue(blue.getHost(), blue.getMappedPort(3306), MySqlPair.DB, MySqlPair.CUTOVER, MySqlPair.PASSWORD)
                .green(green.getHost(), green.getMappedPort(3306), MySqlPair.DB, MySqlPair.CUTOVER, MySqlPair.PASSWORD)
                .stateDir(state).serverIds(id, id + 1).tables(tables).initialCopy(false).build();
    }

    @Override
    protected List<String> leftovers(Side side, String name) {
        List<String> out = new ArrayList<>();
        try (Connection c = MySqlPair.endpoint(server(side), MySqlPair.CUTOVER).connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT stream FROM cutover_offsets WHERE stream LIKE ?")) {
            ps.setString(1, name + "\\_%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add("offsets row " + rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1146) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
