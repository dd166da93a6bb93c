package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverResult;
import io.cutover.PreflightException;
import io.cutover.Row;
import io.cutover.Side;
import io.cutover.contract.SchemaChangeTables;
import io.cutover.contract.SchemaChangeWriters;
import io.cutover.ReplicationLink;
import io.cutover.testservers.MariaDbServer;
import io.cutover.testservers.ServerPair;
import io.cutover.transform.ColumnSplit;
import io.cutover.transform.JdbcSchemas;
import io.cutover.transform.LossyReverse;
import io.cutover.transform.MappingCheck;
import io.cutover.transform.TableMapping;
import io.cutover.transform.TableSchema;
import io.cutover.transform.Transforms;
import io.cutover.transform.TypeFamily;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import com.mysql.cj.jdbc.MysqlDataSource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Schema change across a cutover on real MariaDB: blue serves v1, green v2; the mappings are
 * checked against both real schemas and on sampled rows before the pause, the forward stream
 * applies them, the reverse stream their reverses, and writers run through the switcher the
 * whole time. One pair of servers; each test has its own database, so every table can be called
 * {@code users}.
 */
class SchemaChangeIT {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    private static final String V1 = "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100),"
            + " email VARCHAR(100) NOT NULL)";
    private static final String V2 = "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100),"
            + " email VARCHAR(100) NOT NULL, phone VARCHAR(30) NOT NULL)";

    private static MariaDbServer blueServer;
    private static MariaDbServer greenServer;
    private static Path state;

    private String db;
    private DataSource blue;
    private DataSource green;

    @BeforeAll
    static void servers() throws Exception {
        ServerPair<MariaDbServer> pair = MariaDbServer.startPair("blue", 811, "green", 812);
        blueServer = pair.blue();
        greenServer = pair.green();
        state = Files.createTempDirectory("cutover-schema-change-");
    }

    @AfterAll
    static void stop() {
        for (MariaDbServer s : new MariaDbServer[] {blueServer, greenServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The guard is server-wide read_only: lift what a test's cutovers left engaged, for the next test. */
    @AfterEach
    void liftGuards() {
        blueServer.exec("", "SET GLOBAL read_only = OFF");
        greenServer.exec("", "SET GLOBAL read_only = OFF");
    }

    /** Creates a database of this name on both servers, with the test accounts. */
    private void database(String name) {
        db = name;
        Accounts.create(blueServer, name);
        Accounts.create(greenServer, name);
        blue = pool(blueServer, name);
        green = pool(greenServer, name);
    }

    private static DataSource pool(MariaDbServer server, String database) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setUrl(server.jdbcUrl(database) + "?sslMode=DISABLED");
        ds.setUser(Accounts.APP);
        ds.setPassword(Accounts.PASSWORD);
        return ds;
    }

    private MySqlCutover.Builder builder(String name, long serverId, String... tables) {
        return MySqlCutover.builder()
                .name(name)
                .blue(blueServer.host(), blueServer.port(), db, Accounts.APPLY, Accounts.PASSWORD)
                .green(greenServer.host(), greenServer.port(), db, Accounts.APPLY, Accounts.PASSWORD)
                .sslMode("DISABLED")
                .stateDir(state)
                .serverIds(serverId, serverId + 1)
                .appUsers(Accounts.APP)
                .tables(tables);
    }

    private Predicate<Connection> onGreen() {
        String port = ":" + greenServer.port() + "/";
        return c -> {
            try {
                return c.getMetaData().getURL().contains(port);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    static String phone(Row r) {
        return String.format("+1-555-%07d", ((Number) r.get("id")).longValue() % 10_000_000);
    }

    @Test
    void usersV1ToV2_withAComputedPhone_cutsOverAndRollsBack_underWriters_andBothSidesMatchThroughTheMapping()
            throws Exception {
        database("s_phone");
        blueServer.exec(db, V1, "INSERT INTO users SELECT seq, CONCAT('User ', seq), CONCAT('user', seq, '@example.org')"
                + " FROM seq_1_to_300");
        greenServer.exec(db, V2);
        TableMapping users = Transforms.forTable("users").key("id").addComputedColumn("phone", SchemaChangeIT::phone).build();
        ReplicationLink link = MappingCheck.of(List.of(users))
                .lossyRollback(LossyReverse.ACCEPT) // v1 cannot hold a phone: accepted, and recorded
                .around(builder("phone", 8201, "users").transform("users", users, users.reverse()).build(), blue, green);
        link.stream().start();
        link.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), phoneWrites(), 3)) {
            writers.awaitMore(300);
            Cutover forward = Cutover.builder().name("phone").switcher(switcher).link(link).build();
            CutoverResult there = forward.execute();

            assertThat(there.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(there.checks())
                    .contains("schema: 'users' blue -> 'users' green fits green's real schema, and its reverse fits blue's")
                    .anySatisfy(l -> assertThat(l).startsWith("round trip: 'users' blue -> green -> blue on ")
                            .endsWith("sample rows: every row came back unchanged"));
            long greenBefore = writers.ackedOnGreen();
            writers.awaitMore(300);
            assertThat(writers.ackedOnGreen()).isGreaterThan(greenBefore);

            ReplicationLink reverse = forward.reverseLink().orElseThrow();
            Cutover rollback = Cutover.builder().name("phone-back").switcher(switcher).link(reverse).build();
            CutoverResult back = rollback.execute();

            assertThat(back.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            assertThat(back.checks()).anySatisfy(l -> assertThat(l)
                    .startsWith("round trip: 'users' green -> blue -> green on ")
                    .contains("lossy reverse ACCEPTED").contains("column 'phone'"));
            writers.awaitMore(200);
            writers.close();

            ReplicationLink again = rollback.reverseLink().orElseThrow();
            again.stream().awaitFence(CATCH_UP);
            assertMatchThroughMapping(users, "users");
            assertNoAcknowledgedWriteLost(writers, SchemaChangeTables.rows(blue, "users"), "name", "email");
            System.out.printf("phone: %d writes acknowledged (%d on green), %d refused %s%n%s%s", writers.acked(),
                    writers.ackedOnGreen(), writers.failed(), writers.failures(), there.summary(), back.summary());
            again.close();
        }
    }

    @Test
    void renameColumnAndSplitColumn_forwardAndBack_underWriters() throws Exception {
        database("s_split");
        blueServer.exec(db, V1, "CREATE TABLE contacts (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100) NOT NULL)",
                "INSERT INTO users SELECT seq, CONCAT('Ada Lovelace ', seq), CONCAT('user', seq, '@example.org') FROM seq_1_to_200",
                "INSERT INTO contacts SELECT seq, IF(seq % 10 = 0, 'Cher', 'Grace Brewster Hopper'),"
                        + " CONCAT('c', seq, '@example.org') FROM seq_1_to_200");
        greenServer.exec(db, "CREATE TABLE users (id BIGINT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(100) NOT NULL)",
                "CREATE TABLE contacts (id BIGINT PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100),"
                        + " email VARCHAR(100) NOT NULL)");
        TableMapping users = Transforms.forTable("users").key("id").renameColumn("name", "full_name").build();
        TableMapping contacts = Transforms.forTable("contacts").key("id")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" ")).build();
        ReplicationLink link = Transforms.checked(builder("split", 8211, "users", "contacts")
                        .transform("users", users, users.reverse())
                        .transform("contacts", contacts, contacts.reverse()).build(),
                blue, green, List.of(users, contacts), LossyReverse.REFUSE);
        link.stream().start();
        link.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), splitWrites("users", "contacts"), 3)) {
            writers.awaitMore(200);
            Cutover forward = Cutover.builder().name("split").switcher(switcher).link(link).build();
            CutoverResult there = forward.execute();
            assertThat(there.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(there.checks()).filteredOn(l -> l.startsWith("round trip:")).hasSize(2)
                    .allSatisfy(l -> assertThat(l).endsWith("every row came back unchanged"));
            writers.awaitMore(200);

            // Lossless both ways, so the rollback passes the same refusing check on green's rows.
            ReplicationLink reverse = forward.reverseLink().orElseThrow();
            Cutover rollback = Cutover.builder().name("split-back").switcher(switcher).link(reverse).build();
            CutoverResult back = rollback.execute();
            assertThat(back.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(back.checks()).contains(
                    "schema: 'users' green -> 'users' blue fits blue's real schema, and its reverse fits green's",
                    "schema: 'contacts' green -> 'contacts' blue fits blue's real schema, and its reverse fits green's");
            writers.awaitMore(200);
            writers.close();

            ReplicationLink again = rollback.reverseLink().orElseThrow();
            again.stream().awaitFence(CATCH_UP);
            assertMatchThroughMapping(users, "users");
            assertMatchThroughMapping(contacts, "contacts");
            assertNoAcknowledgedWriteLost(writers, SchemaChangeTables.rows(blue, "users"), "name", "email");
            assertNoAcknowledgedWriteLost(writers, SchemaChangeTables.rows(blue, "contacts"), "name", "email");
            again.close();
        }
    }

    @Test
    void usersRenamedToAccounts_withNameToFullName_andASplit_cutsOverAndRollsBack_underWriters() throws Exception {
        database("s_renamed");
        blueServer.exec(db, "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100),"
                        + " email VARCHAR(100) NOT NULL)",
                "CREATE TABLE contacts (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100) NOT NULL)",
                "INSERT INTO users SELECT seq, CONCAT('Ada Lovelace ', seq), CONCAT('user', seq, '@example.org') FROM seq_1_to_200",
                "INSERT INTO contacts SELECT seq, IF(seq % 10 = 0, 'Cher', 'Grace Brewster Hopper'),"
                        + " CONCAT('c', seq, '@example.org') FROM seq_1_to_200");
        greenServer.exec(db, "CREATE TABLE accounts (id BIGINT AUTO_INCREMENT PRIMARY KEY, full_name VARCHAR(100),"
                        + " email VARCHAR(100) NOT NULL)",
                "CREATE TABLE people (id BIGINT PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100),"
                        + " email VARCHAR(100) NOT NULL)");
        TableMapping accounts = Transforms.forTable("users").key("id")
                .renameTable("accounts").renameColumn("name", "full_name").build();
        TableMapping people = Transforms.forTable("contacts").key("id").renameTable("people")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" ")).build();
        ReplicationLink link = Transforms.checked(builder("renamed", 8241, "users", "contacts")
                        .transform("users", accounts, accounts.reverse())
                        .transform("contacts", people, people.reverse()).build(),
                blue, green, List.of(accounts, people), LossyReverse.REFUSE);
        link.stream().start();
        link.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(),
                        splitWrites("accounts", "people"), 3)) {
            writers.awaitMore(200);
            Cutover forward = Cutover.builder().name("renamed").switcher(switcher).link(link).build();
            CutoverResult there = forward.execute();
            assertThat(there.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            // The hand-off found green's accounts: its counter is set well past its highest id.
            assertThat(counterAheadOfMaxId(green, "accounts")).isGreaterThan(500);
            assertThat(there.checks()).contains(
                    "schema: 'users' blue -> 'accounts' green fits green's real schema, and its reverse fits blue's",
                    "schema: 'contacts' blue -> 'people' green fits green's real schema, and its reverse fits blue's");
            long greenBefore = writers.ackedOnGreen();
            writers.awaitMore(200);
            assertThat(writers.ackedOnGreen()).isGreaterThan(greenBefore);

            ReplicationLink reverse = forward.reverseLink().orElseThrow();
            Cutover rollback = Cutover.builder().name("renamed-back").switcher(switcher).link(reverse).build();
            CutoverResult back = rollback.execute();
            assertThat(back.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            assertThat(back.checks()).contains(
                    "schema: 'accounts' green -> 'users' blue fits blue's real schema, and its reverse fits green's",
                    "schema: 'people' green -> 'contacts' blue fits blue's real schema, and its reverse fits green's");
            writers.awaitMore(200);
            writers.close();

            ReplicationLink again = rollback.reverseLink().orElseThrow();
            again.stream().awaitFence(CATCH_UP);
            assertMatchThroughMapping(accounts);
            assertMatchThroughMapping(people);
            assertNoAcknowledgedWriteLost(writers, SchemaChangeTables.rows(blue, "users"), "name", "email");
            assertNoAcknowledgedWriteLost(writers, SchemaChangeTables.rows(blue, "contacts"), "name", "email");
            System.out.printf("renamed: %d writes acknowledged (%d on green), %d refused %s%n%s%s", writers.acked(),
                    writers.ackedOnGreen(), writers.failed(), writers.failures(), there.summary(), back.summary());
            again.close();
        }
    }

    /** How far a table's AUTO_INCREMENT counter is past its highest id. */
    private long counterAheadOfMaxId(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT t.AUTO_INCREMENT - (SELECT MAX(id) FROM " + table + ")"
                        + " FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(table + " in information_schema").isTrue();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void greenTableNames_comeFromTheMappingOrAreDeclared_andAMismatchIsRefusedWhenGiven() {
        database("s_names");
        TableMapping accounts = Transforms.forTable("users").key("id").renameTable("accounts").build();
        assertThatThrownBy(() -> builder("names", 8251, "users", "contacts").transform("contacts", accounts, accounts.reverse()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blueToGreen maps 'users' -> 'accounts' but is given for 'contacts' -> 'accounts'");
        assertThatThrownBy(() -> builder("names", 8251, "users", "contacts").transform("users", accounts, accounts))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("greenToBlue maps 'users' -> 'accounts' but is given for 'accounts' -> 'users'");
        assertThatThrownBy(() -> builder("names", 8251, "users", "contacts").transform("users", accounts, accounts.reverse())
                .transform("contacts", "accounts", r -> new Row("accounts", r.values()), r -> new Row("contacts", r.values()))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two blue tables replicate to green table 'accounts'");
        // A lambda renaming the table declares green's name; building connects to nothing.
        builder("names", 8251, "users", "contacts").transform("users", "accounts", r -> new Row("accounts", r.values()), r -> new Row("users", r.values()))
                .build().close();
    }

    @Test
    void aMappingThatCannotFitGreen_isRefusedWithEveryProblem_beforeAnythingIsTouched() throws Exception {
        database("s_misfit");
        blueServer.exec(db, V1, "INSERT INTO users SELECT seq, CONCAT('User ', seq), CONCAT('user', seq, '@example.org')"
                + " FROM seq_1_to_50");
        greenServer.exec(db, "CREATE TABLE users (id BIGINT PRIMARY KEY, name INT, email_address VARCHAR(100) NOT NULL,"
                + " phone VARCHAR(30) NOT NULL)");
        TableMapping users = Transforms.forTable("users").key("id").addComputedColumn("phone", SchemaChangeIT::phone).build();
        ReplicationLink raw = builder("misfit", 8221, "users").transform("users", users, users.reverse()).build();
        ReplicationLink link = Transforms.checked(raw, blue, green, List.of(users), LossyReverse.REFUSE);

        List<String> standalone = catchProblems(() -> Transforms.check(blue, green, List.of(users), LossyReverse.REFUSE));
        assertThat(standalone).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("'users.name' is INT (numeric) on the target but the mapping writes text"),
                p -> assertThat(p).contains("'users.email' (source column 'users.email' VARCHAR) does not exist on the target"),
                p -> assertThat(p).contains("'users.email_address' is NOT NULL with no default on the target"),
                p -> assertThat(p).startsWith("reverse stream target -> source").contains("'users.name' is VARCHAR (text)"),
                p -> assertThat(p).startsWith("reverse stream target -> source")
                        .contains("'users.email_address' (source column 'users.email_address' VARCHAR) does not exist"),
                p -> assertThat(p).startsWith("reverse stream target -> source")
                        .contains("'users.email' is NOT NULL with no default"));

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), phoneWrites(), 2)) {
            writers.awaitMore(50);
            Cutover cutover = Cutover.builder().name("misfit").switcher(switcher).link(link).build();
            List<String> problems = catchProblems(cutover::execute);

            // The same problems, labelled with the sides, plus the stream's own, in one exception.
            assertThat(withoutLabels(problems)).containsExactlyInAnyOrderElementsOf(withoutLabels(standalone));
            assertThat(problems).hasSize(standalone.size() + 1)
                    .anySatisfy(p -> assertThat(p).startsWith("'users' blue -> 'users' green: "))
                    .anySatisfy(p -> assertThat(p).startsWith("reverse stream green -> blue: "))
                    .anySatisfy(p -> assertThat(p).contains("is NEW").contains("a cutover needs it STREAMING"));
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            writers.awaitMore(50); // writes go on on blue
            assertThat(SchemaChangeTables.rows(green, "users")).isEmpty();
            assertThat(SchemaChangeTables.rows(blue, "users")).hasSizeGreaterThan(50);
        }
        raw.close();
    }

    @Test
    void aLossyReverse_isRefusedByTheRoundTrip_thenAcceptedWhenAsked_andRecordedInTheResult() throws Exception {
        database("s_lossy");
        blueServer.exec(db, V1, "INSERT INTO users SELECT seq, CONCAT('User ', seq), CONCAT('User', seq, '@Example.ORG')"
                + " FROM seq_1_to_200");
        greenServer.exec(db, V2);
        TableMapping users = Transforms.forTable("users").key("id")
                .custom("lower-case emails", SchemaChangeIT::lowerEmail, r -> r) // v1 kept the case: not undone
                .addComputedColumn("phone", SchemaChangeIT::phone)
                .build();
        ReplicationLink raw = builder("lossy", 8231, "users").transform("users", users, users.reverse()).build();
        raw.stream().start();
        raw.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), phoneWrites(), 3)) {
            writers.awaitMore(200);
            ReplicationLink refusing = Transforms.checked(raw, blue, green, List.of(users), LossyReverse.REFUSE);
            List<String> problems = catchProblems(() ->
                    Cutover.builder().name("lossy").switcher(switcher).link(refusing).build().execute());
            assertThat(problems).singleElement().asString()
                    .startsWith("round trip: 'users' blue -> green -> blue on ")
                    .contains("the reverse loses column 'email'").contains("differs in 200 of ")
                    .contains("@Example.ORG' came back as '").contains("LossyReverse.ACCEPT");
            assertThat(switcher.current()).isEqualTo(Side.BLUE);
            writers.awaitMore(100);

            ReplicationLink accepting = MappingCheck.of(List.of(users)).lossyReverse(LossyReverse.ACCEPT)
                    .sampleRows(100).around(raw, blue, green);
            Cutover cutover = Cutover.builder().name("lossy").switcher(switcher).link(accepting).build();
            CutoverResult result = cutover.execute();

            assertThat(result.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(result.checks()).anySatisfy(l -> assertThat(l)
                    .startsWith("round trip: 'users' blue -> green -> blue on 100 sample rows: lossy reverse ACCEPTED")
                    .contains("column 'email'"));
            writers.awaitMore(200);
            writers.close();
            ReplicationLink reverse = cutover.reverseLink().orElseThrow();
            reverse.stream().awaitFence(CATCH_UP);
            Map<Long, Row> greenRows = SchemaChangeTables.rows(green, "users");
            Map<Long, Row> blueRows = SchemaChangeTables.rows(blue, "users");
            assertThat(greenRows.keySet()).isEqualTo(blueRows.keySet());
            blueRows.forEach((id, row) -> assertThat(users.apply(row)).isEqualTo(greenRows.get(id)));
            // The loss accepted: blue's mixed-case emails that green never rewrote are still there.
            assertThat(blueRows.get(1L).get("email")).isEqualTo("User1@Example.ORG");
            assertNoAcknowledgedWriteLost(writers, greenRows, "name", "email");
            reverse.close();
        }
    }

    @Test
    void jdbcSchemas_readsColumnsTypesNullabilityDefaultsAndKey() throws SQLException {
        database("s_meta");
        blueServer.exec(db, "CREATE TABLE Mixed_Case (a INT NOT NULL, b BIGINT NOT NULL AUTO_INCREMENT,"
                + " c VARCHAR(10) NOT NULL DEFAULT 'x', d TINYINT(1), e TEXT, PRIMARY KEY (b, a))");
        try (Connection c = blue.getConnection()) {
            Map<String, TableSchema> read = JdbcSchemas.read(c, null, List.of("Mixed_Case", "absent"));
            assertThat(read).containsOnlyKeys("Mixed_Case");
            TableSchema t = read.get("Mixed_Case");
            assertThat(t.primaryKey()).containsExactly("b", "a");
            assertThat(t.columns()).extracting(TableSchema.Column::name, TableSchema.Column::family,
                    TableSchema.Column::nullable, TableSchema.Column::hasDefault).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("a", TypeFamily.NUMERIC, false, false),
                    org.assertj.core.groups.Tuple.tuple("b", TypeFamily.NUMERIC, false, true),
                    org.assertj.core.groups.Tuple.tuple("c", TypeFamily.TEXT, false, true),
                    org.assertj.core.groups.Tuple.tuple("d", TypeFamily.BOOLEAN, true, false),
                    org.assertj.core.groups.Tuple.tuple("e", TypeFamily.TEXT, true, false));
        }
        assertThat(JdbcSchemas.read(green, "s_meta", List.of("Mixed_Case"))).isEmpty();
    }

    private SchemaChangeWriters.Writes phoneWrites() {
        return new SchemaChangeWriters.Writes() {
            @Override
            public void insert(Connection c, boolean green, long id, String name, String email) throws SQLException {
                String sql = green ? "INSERT INTO users (id, name, email, phone) VALUES (?, ?, ?, ?)"
                        : "INSERT INTO users (id, name, email) VALUES (?, ?, ?)";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, id);
                    ps.setString(2, name);
                    ps.setString(3, email);
                    if (green) {
                        ps.setString(4, phone(new Row("users", Map.of("id", id))));
                    }
                    ps.executeUpdate();
                }
            }

            @Override
            public void update(Connection c, boolean green, long id, String name, String email) throws SQLException {
                run(c, "UPDATE users SET name = ?, email = ? WHERE id = ?", name, email, id);
            }

            @Override
            public void delete(Connection c, boolean green, long id) throws SQLException {
                run(c, "DELETE FROM users WHERE id = ?", id);
            }
        };
    }

    /** Writes v1 rows on blue, and on green the same rows renamed, split and under green's table names. */
    private SchemaChangeWriters.Writes splitWrites(String greenUsers, String greenContacts) {
        return new SchemaChangeWriters.Writes() {
            @Override
            public void insert(Connection c, boolean green, long id, String name, String email) throws SQLException {
                c.setAutoCommit(false);
                if (green) {
                    String[] parts = name.split(" ", 2);
                    run(c, "INSERT INTO " + greenUsers + " (id, full_name, email) VALUES (?, ?, ?)", id, name, email);
                    run(c, "INSERT INTO " + greenContacts + " (id, first_name, last_name, email) VALUES (?, ?, ?, ?)", id,
                            parts[0], parts.length > 1 ? parts[1] : null, email);
                } else {
                    run(c, "INSERT INTO users (id, name, email) VALUES (?, ?, ?)", id, name, email);
                    run(c, "INSERT INTO contacts (id, name, email) VALUES (?, ?, ?)", id, name, email);
                }
                c.commit();
            }

            @Override
            public void update(Connection c, boolean green, long id, String name, String email) throws SQLException {
                c.setAutoCommit(false);
                if (green) {
                    String[] parts = name.split(" ", 2);
                    run(c, "UPDATE " + greenUsers + " SET full_name = ?, email = ? WHERE id = ?", name, email, id);
                    run(c, "UPDATE " + greenContacts + " SET first_name = ?, last_name = ?, email = ? WHERE id = ?",
                            parts[0], parts.length > 1 ? parts[1] : null, email, id);
                } else {
                    run(c, "UPDATE users SET name = ?, email = ? WHERE id = ?", name, email, id);
                    run(c, "UPDATE contacts SET name = ?, email = ? WHERE id = ?", name, email, id);
                }
                c.commit();
            }

            @Override
            public void delete(Connection c, boolean green, long id) throws SQLException {
                c.setAutoCommit(false);
                run(c, "DELETE FROM " + (green ? greenUsers : "users") + " WHERE id = ?", id);
                run(c, "DELETE FROM " + (green ? greenContacts : "contacts") + " WHERE id = ?", id);
                c.commit();
            }
        };
    }

    private static void run(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static Row lowerEmail(Row r) {
        Map<String, Object> v = new LinkedHashMap<>(r.values());
        if (v.get("email") instanceof String s) {
            v.put("email", s.toLowerCase(Locale.ROOT));
        }
        return new Row(r.table(), v);
    }

    /** Every row on each side equals the other's through the mapping, and the same rows exist. */
    private void assertMatchThroughMapping(TableMapping mapping, String table) {
        assertThat(mapping.targetTable()).isEqualTo(table);
        assertMatchThroughMapping(mapping);
    }

    /** The same, with blue's table read under the mapping's source name and green's under its target name. */
    private void assertMatchThroughMapping(TableMapping mapping) {
        String table = mapping.sourceTable() + " -> " + mapping.targetTable();
        Map<Long, Row> blueRows = SchemaChangeTables.rows(blue, mapping.sourceTable());
        Map<Long, Row> greenRows = SchemaChangeTables.rows(green, mapping.targetTable());
        TableMapping back = mapping.reverse();
        assertThat(greenRows.keySet()).as(table + " ids on green vs blue").isEqualTo(blueRows.keySet());
        blueRows.forEach((id, row) -> {
            assertThat(mapping.apply(row)).as(table + " " + id + " blue -> green").isEqualTo(greenRows.get(id));
            assertThat(back.apply(greenRows.get(id))).as(table + " " + id + " green -> blue").isEqualTo(row);
        });
    }

    /** Every acknowledged insert, update and delete of the writers is in these rows (v1 columns). */
    private static void assertNoAcknowledgedWriteLost(SchemaChangeWriters writers, Map<Long, Row> rows,
                                                      String nameColumn, String emailColumn) {
        Map<Long, String[]> expected = writers.expected();
        assertThat(expected).isNotEmpty();
        Map<Long, List<Object>> want = new LinkedHashMap<>();
        expected.forEach((id, v) -> want.put(id, List.of(v[0], v[1])));
        Map<Long, List<Object>> have = new LinkedHashMap<>();
        rows.forEach((id, r) -> {
            if (id >= 1_000_000L) {
                have.put(id, java.util.Arrays.asList(r.get(nameColumn), r.get(emailColumn)));
            }
        });
        assertThat(have).isEqualTo(want);
    }

    private static List<String> withoutLabels(List<String> problems) {
        return problems.stream().filter(p -> p.contains("mapping of table"))
                .map(p -> p.substring(p.indexOf("mapping of table"))).toList();
    }

    private static List<String> catchProblems(Runnable action) {
        try {
            action.run();
        } catch (PreflightException e) {
            return e.problems();
        }
        throw new AssertionError("expected a PreflightException");
    }
}
