package io.cutover.mysql;

import io.cutover.TlsMode;
import io.cutover.Side;
import io.cutover.contract.ReplicationLinkContract;
import io.cutover.ReplicationLink;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dialect-neutral link contract, on MariaDB. The contract's "admin" owns the schema (all
 * privileges on it) but holds nothing on {@code *.*}, so the read_only guard applies to it as it
 * does to any application.
 */
class MariaDbContractIT extends ReplicationLinkContract {
    private static final String DB = "contract";
    private static final String OWNER = "schema_owner";
    private static MariaDbServer blue;
    private static MariaDbServer green;
    @TempDir
    static Path state;

    @BeforeAll
    static void servers() {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 1001, "green", 1002);
        blue = pair.blue();
        green = pair.green();
        for (MariaDbServer s : List.of(blue, green)) {
            Accounts.create(s, DB);
            s.exec("", "CREATE USER '" + OWNER + "'@'%' IDENTIFIED BY '" + Accounts.PASSWORD + "'",
                    "GRANT ALL PRIVILEGES ON " + DB + ".* TO '" + OWNER + "'@'%'");
        }
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blue, green}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static MariaDbServer server(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    @Override
    protected DataSource admin(Side side) {
        return new EndpointDataSource(Accounts.endpoint(server(side), DB, OWNER));
    }

    @Override
    protected ReplicationLink link(String name, String... tables) {
        long id = 7300 + 2L * Math.floorMod(name.hashCode(), 300);
        return MySqlCutover.builder().name(name)
                .blue(blue.host(), blue.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                .green(green.host(), green.port(), DB, Accounts.APPLY, Accounts.PASSWORD)
                .tls(TlsMode.DISABLE).stateDir(state).serverIds(id, id + 1)
                .tables(tables).initialCopy(false).build();
    }

    @Override
    protected List<String> leftovers(Side side, String name) {
        List<String> out = new ArrayList<>();
        try (Connection c = server(side).admin(DB); PreparedStatement ps = c.prepareStatement(
                "SELECT stream FROM cutover_offsets WHERE stream LIKE ?")) {
            ps.setString(1, name + "\\_%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add("offsets row " + rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1146) { // no offsets table: nothing left
                throw new IllegalStateException(e);
            }
        }
        try (Stream<Path> files = Files.list(state)) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith(CaptureProperties.topicPrefix(name + "_" + side + "_to_")))
                    .forEach(f -> out.add("schema history " + f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
