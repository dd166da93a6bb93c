package io.cutover.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.testcontainers.mysql.MySQLContainer;

/**
 * Two MySQL servers (blue, green) in containers, for the tests that run where a Docker engine
 * exists: row-based binlog with full images and GTIDs, distinct server ids, a cutover user with
 * the privileges {@link MySqlCutover} documents for MySQL, and a schema owner without any global
 * privilege (so read_only stops it).
 */
final class MySqlPair implements AutoCloseable {
    static final String DB = "contract";
    static final String CUTOVER = "cutover";
    static final String OWNER = "schema_owner";
    static final String PASSWORD = "Pw-0f-test";

    final MySQLContainer blue;
    final MySQLContainer green;

    private MySqlPair(MySQLContainer blue, MySQLContainer green) {
        this.blue = blue;
        this.green = green;
    }

    /**
     * Starts both servers from one image.
     *
     * @param image e.g. {@code mysql:8.0.40}
     * @return the running pair
     */
    static MySqlPair start(String image) {
        MySQLContainer blue = container(image, 1101);
        MySQLContainer green = container(image, 1102);
        blue.start();
        green.start();
        MySqlPair pair = new MySqlPair(blue, green);
        for (MySQLContainer c : List.of(blue, green)) {
            pair.asRoot(c, "CREATE USER '" + CUTOVER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, RELOAD, SHOW DATABASES,"
                            + " REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + CUTOVER + "'@'%'",
                    "GRANT CONNECTION_ADMIN, SYSTEM_VARIABLES_ADMIN ON *.* TO '" + CUTOVER + "'@'%'",
                    "CREATE USER '" + OWNER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                    "GRANT ALL PRIVILEGES ON " + DB + ".* TO '" + OWNER + "'@'%'");
        }
        return pair;
    }

    private static MySQLContainer container(String image, int serverId) {
        return new MySQLContainer(image)
                .withDatabaseName(DB)
                .withUsername("test")
                .withPassword(PASSWORD)
                .withCommand("--server-id=" + serverId, "--log-bin=binlog", "--binlog-format=ROW",
                        "--binlog-row-image=FULL", "--gtid-mode=ON", "--enforce-gtid-consistency=ON");
    }

    /**
     * Returns an endpoint on one server.
     *
     * @param c the server
     * @param user the user (password {@link #PASSWORD})
     * @return the endpoint, TLS preferred (the image makes its own certificate)
     */
    static Endpoint endpoint(MySQLContainer c, String user) {
        return new Endpoint(c.getHost(), c.getMappedPort(3306), DB, user, PASSWORD, "PREFERRED");
    }

    private void asRoot(MySQLContainer c, String... sql) {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("password", PASSWORD);
        p.setProperty("allowPublicKeyRetrieval", "true");
        try (Connection conn = DriverManager.getConnection("jdbc:mysql://" + c.getHost() + ":" + c.getMappedPort(3306)
                + "/" + DB, p); Statement st = conn.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("setting up " + c.getDockerImageName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        blue.stop();
        green.stop();
    }
}
