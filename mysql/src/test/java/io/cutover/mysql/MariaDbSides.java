package io.cutover.mysql;

import io.cutover.testservers.MariaDbServer;

import io.cutover.Side;
import io.cutover.scenario.LinkRecipe;
import io.cutover.scenario.Sides;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A pair of MariaDB servers and one database on both, as the shared scenarios see them. Each link
 * gets its own pair of replica server ids.
 */
final class MariaDbSides implements Sides {
    private final MariaDbServer blue;
    private final MariaDbServer green;
    private final String db;
    private final DataSource blueApp;
    private final DataSource greenApp;
    private final Path state;
    private final AtomicLong serverIds;

    /**
     * @param blue the blue server
     * @param green the green server
     * @param db the database, with the test accounts, on both
     * @param blueApp the application's connections to blue ({@link Accounts#APP})
     * @param greenApp the same to green
     * @param state where the streams keep their schema history
     * @param serverIds the next replica server id to hand out, two a link
     */
    MariaDbSides(MariaDbServer blue, MariaDbServer green, String db, DataSource blueApp, DataSource greenApp,
            Path state, AtomicLong serverIds) {
        this.blue = blue;
        this.green = green;
        this.db = db;
        this.blueApp = blueApp;
        this.greenApp = greenApp;
        this.state = state;
        this.serverIds = serverIds;
    }

    /**
     * Creates a database with the test accounts on both servers, and the sides over it with the
     * application account's connections (TLS off).
     *
     * @param blue the blue server
     * @param green the green server
     * @param db the database to create
     * @param state where the streams keep their schema history
     * @param firstServerId the first replica server id to hand out, two a link
     * @return the sides
     */
    static MariaDbSides onNewDatabase(MariaDbServer blue, MariaDbServer green, String db, Path state,
            long firstServerId) {
        Accounts.create(blue, db);
        Accounts.create(green, db);
        return new MariaDbSides(blue, green, db, new EndpointDataSource(Accounts.endpoint(blue, db, Accounts.APP)),
                new EndpointDataSource(Accounts.endpoint(green, db, Accounts.APP)), state, new AtomicLong(firstServerId));
    }

    MariaDbServer server(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    @Override
    public DataSource app(Side side) {
        return side == Side.BLUE ? blueApp : greenApp;
    }

    @Override
    public void exec(Side side, String... ddl) {
        server(side).exec(db, ddl);
    }

    @Override
    public LinkRecipe link(String name, String... tables) {
        MySqlCutover.Builder builder = Accounts.cutover(blue, green, state, db, name, serverIds.getAndAdd(2))
                .appUsers(Accounts.APP).tables(tables);
        return LinkRecipe.of(builder, MySqlCutover.Builder::transform, MySqlCutover.Builder::transform,
                MySqlCutover.Builder::initialCopy, (b, ds) -> b.dataSource(Side.GREEN, ds),
                new EndpointDataSource(Accounts.endpoint(green, db, Accounts.APPLY)), MySqlCutover.Builder::build);
    }

    /** Binlog capture reserves nothing on the server; what a cutover can leave behind is read_only. */
    @Override
    public List<String> leftovers(Side side) {
        try (Connection c = server(side).admin(""); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@global.read_only")) {
            rs.next();
            return rs.getBoolean(1) ? List.of("read_only = ON") : List.of();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
