package io.cutover.scenario;

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
import io.cutover.transform.ColumnSplit;
import io.cutover.transform.LossyReverse;
import io.cutover.transform.MappingCheck;
import io.cutover.transform.TableMapping;
import io.cutover.transform.Transforms;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Schema change across a cutover, written once for every dialect: blue serves v1, green v2; the
 * mappings are checked against both real schemas and on sampled rows before the pause, the forward
 * stream applies them, the reverse stream their reverses, and writers run through the switcher the
 * whole time. A dialect's {@code SchemaChangeIT} extends this class and supplies its real servers,
 * its DDL types and what its key hand-off and guard look like; every test asks
 * {@link #freshSides} for empty schemas first, so every table can be called {@code users}.
 */
public abstract class SchemaChangeScenario {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private Sides sides;

    /**
     * Gives the test that calls it empty schemas on both sides, and the dialect's view of them.
     *
     * @param name a name unique within the class (a database name where the dialect needs one)
     * @return the two sides, for this test only
     */
    protected abstract Sides freshSides(String name);

    private void freshSchema(String name) {
        sides = freshSides(name);
    }

    private DataSource app(Side side) {
        return sides.app(side);
    }

    private void exec(Side side, String... ddl) {
        sides.exec(side, ddl);
    }

    private LinkRecipe link(String name, String... tables) {
        return sides.link(name, tables);
    }

    /** The dialect's column type for short text in DDL ({@code text}, {@code VARCHAR(100)}). */
    protected abstract String textType();

    /** The dialect's DDL for an auto-numbered {@code BIGINT} primary key column named {@code id}. */
    protected abstract String autoNumberedId();

    /** How the schema check names a column declared {@link #textType()} ({@code text}, {@code VARCHAR}). */
    protected abstract String reportedTextType();

    /** How the schema check names a column declared {@code INT} ({@code int4}, {@code INT}). */
    protected abstract String reportedIntType();

    /**
     * Asserts that the key hand-off moved a side's counter for an auto-numbered table past the
     * other side's, after the given number of cutovers in the test.
     */
    protected abstract void assertKeyHandedOff(Side side, String table, int cutovers) throws SQLException;

    /** What the database says when its guard refuses a direct write to a table on the old side. */
    protected abstract String guardRefusal(String table);

    /** The v2 phone computed from a row's id, the same on every side and in every test that needs one. */
    public static String phone(Row r) {
        return String.format("+1-555-%07d", ((Number) r.get("id")).longValue() % 10_000_000);
    }

    private String v1() {
        return "CREATE TABLE users (id BIGINT PRIMARY KEY, name " + textType() + ", email " + textType() + " NOT NULL)";
    }

    private String v2() {
        return "CREATE TABLE users (id BIGINT PRIMARY KEY, name " + textType() + ", email " + textType() + " NOT NULL,"
                + " phone " + textType() + " NOT NULL)";
    }

    private String contactsV1(String table) {
        return "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name " + textType() + ", email " + textType()
                + " NOT NULL)";
    }

    private String contactsSplit(String table) {
        return "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, first_name " + textType() + ", last_name "
                + textType() + ", email " + textType() + " NOT NULL)";
    }

    private static String contactName(int id) {
        return id % 10 == 0 ? "Cher" : "Grace Brewster Hopper";
    }

    /** Inserts rows 1..n of (id, name, email) on blue, in one transaction. */
    private void seed(String table, int n, IntFunction<String> name, IntFunction<String> email) {
        try (Connection c = app(Side.BLUE).getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, name, email) VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= n; i++) {
                ps.setLong(1, i);
                ps.setString(2, name.apply(i));
                ps.setString(3, email.apply(i));
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("seeding " + table + ": " + e.getMessage(), e);
        }
    }

    /** Tells a connection handed out by the switcher to green from one to blue, by its URL. */
    private Predicate<Connection> onGreen() throws SQLException {
        String greenUrl;
        try (Connection c = app(Side.GREEN).getConnection()) {
            greenUrl = c.getMetaData().getURL();
        }
        return c -> {
            try {
                return c.getMetaData().getURL().equals(greenUrl);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void usersV1ToV2_withAComputedPhone_cutsOverAndRollsBack_underWriters_andBothSidesMatchThroughTheMapping()
            throws Exception {
        freshSchema("s_phone");
        exec(Side.BLUE, v1());
        seed("users", 300, i -> "User " + i, i -> "user" + i + "@example.org");
        exec(Side.GREEN, v2());
        DataSource blue = app(Side.BLUE);
        DataSource green = app(Side.GREEN);
        TableMapping users = Transforms.forTable("users").key("id").addComputedColumn("phone", SchemaChangeScenario::phone).build();
        ReplicationLink link = MappingCheck.of(List.of(users))
                .lossyRollback(LossyReverse.ACCEPT) // v1 cannot hold a phone: accepted, and recorded
                .around(link("phone", "users").transform("users", users, users.reverse()).build(), blue, green);
        link.stream().start();
        link.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), SchemaChangeWrites.phone(), 3)) {
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
        freshSchema("s_split");
        exec(Side.BLUE, v1(), contactsV1("contacts"));
        seed("users", 200, i -> "Ada Lovelace " + i, i -> "user" + i + "@example.org");
        seed("contacts", 200, SchemaChangeScenario::contactName, i -> "c" + i + "@example.org");
        exec(Side.GREEN, "CREATE TABLE users (id BIGINT PRIMARY KEY, full_name " + textType() + ", email " + textType()
                + " NOT NULL)", contactsSplit("contacts"));
        DataSource blue = app(Side.BLUE);
        DataSource green = app(Side.GREEN);
        TableMapping users = Transforms.forTable("users").key("id").renameColumn("name", "full_name").build();
        TableMapping contacts = Transforms.forTable("contacts").key("id")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" ")).build();
        ReplicationLink link = Transforms.checked(link("split", "users", "contacts")
                        .transform("users", users, users.reverse())
                        .transform("contacts", contacts, contacts.reverse()).build(),
                blue, green, List.of(users, contacts), LossyReverse.REFUSE);
        link.stream().start();
        link.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), SchemaChangeWrites.split("users", "contacts"), 3)) {
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
        freshSchema("s_renamed");
        exec(Side.BLUE, "CREATE TABLE users (" + autoNumberedId() + ", name " + textType() + ", email " + textType()
                + " NOT NULL)", contactsV1("contacts"));
        seed("users", 200, i -> "Ada Lovelace " + i, i -> "user" + i + "@example.org");
        seed("contacts", 200, SchemaChangeScenario::contactName, i -> "c" + i + "@example.org");
        exec(Side.GREEN, "CREATE TABLE accounts (" + autoNumberedId() + ", full_name " + textType() + ", email "
                + textType() + " NOT NULL)", contactsSplit("people"));
        DataSource blue = app(Side.BLUE);
        DataSource green = app(Side.GREEN);
        TableMapping accounts = Transforms.forTable("users").key("id")
                .renameTable("accounts").renameColumn("name", "full_name").build();
        TableMapping people = Transforms.forTable("contacts").key("id").renameTable("people")
                .splitColumn("name", "first_name", "last_name", ColumnSplit.atFirst(" ")).build();
        ReplicationLink link = Transforms.checked(link("renamed", "users", "contacts")
                        .transform("users", accounts, accounts.reverse())
                        .transform("contacts", people, people.reverse()).build(),
                blue, green, List.of(accounts, people), LossyReverse.REFUSE);
        link.stream().start();
        link.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(),
                        SchemaChangeWrites.split("accounts", "people"), 3)) {
            writers.awaitMore(200);
            Cutover forward = Cutover.builder().name("renamed").switcher(switcher).link(link).build();
            CutoverResult there = forward.execute();
            assertThat(there.outcome()).isEqualTo(CutoverResult.Outcome.FLIPPED);
            assertThat(there.checks()).contains(
                    "schema: 'users' blue -> 'accounts' green fits green's real schema, and its reverse fits blue's",
                    "schema: 'contacts' blue -> 'people' green fits green's real schema, and its reverse fits blue's");
            // The hand-off found green's table under green's name.
            assertKeyHandedOff(Side.GREEN, "accounts", 1);
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
            assertKeyHandedOff(Side.BLUE, "users", 2);
            // Green's own tables are guarded now, under green's names.
            assertThatThrownBy(() -> {
                try (Connection c = green.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO accounts (id, full_name, email) VALUES (1, 'x', 'x')")) {
                    ps.executeUpdate();
                }
            }).hasMessageContaining(guardRefusal("accounts"));
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

    @Test
    void greenTableNames_comeFromTheMappingOrAreDeclared_andAMismatchIsRefusedWhenGiven() {
        freshSchema("s_names");
        TableMapping accounts = Transforms.forTable("users").key("id").renameTable("accounts").build();
        assertThatThrownBy(() -> link("names", "users", "contacts").transform("contacts", accounts, accounts.reverse()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blueToGreen maps 'users' -> 'accounts' but is given for 'contacts' -> 'accounts'");
        assertThatThrownBy(() -> link("names", "users", "contacts").transform("users", accounts, accounts))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("greenToBlue maps 'users' -> 'accounts' but is given for 'accounts' -> 'users'");
        assertThatThrownBy(() -> link("names", "users", "contacts").transform("users", accounts, accounts.reverse())
                .transform("contacts", "accounts", r -> new Row("accounts", r.values()), r -> new Row("contacts", r.values()))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two blue tables replicate to green table 'accounts'");
        // A lambda renaming the table declares green's name; building connects to nothing.
        link("names", "users", "contacts").transform("users", "accounts", r -> new Row("accounts", r.values()),
                r -> new Row("users", r.values())).build().close();
    }

    @Test
    void aMappingThatCannotFitGreen_isRefusedWithEveryProblem_beforeAnythingIsTouched() throws Exception {
        freshSchema("s_misfit");
        exec(Side.BLUE, v1());
        seed("users", 50, i -> "User " + i, i -> "user" + i + "@example.org");
        exec(Side.GREEN, "CREATE TABLE users (id BIGINT PRIMARY KEY, name INT, email_address " + textType()
                + " NOT NULL, phone " + textType() + " NOT NULL)");
        DataSource blue = app(Side.BLUE);
        DataSource green = app(Side.GREEN);
        TableMapping users = Transforms.forTable("users").key("id").addComputedColumn("phone", SchemaChangeScenario::phone).build();
        ReplicationLink raw = link("misfit", "users").transform("users", users, users.reverse()).build();
        ReplicationLink link = Transforms.checked(raw, blue, green, List.of(users), LossyReverse.REFUSE);
        String text = reportedTextType();

        List<String> standalone = catchProblems(() -> Transforms.check(blue, green, List.of(users), LossyReverse.REFUSE));
        assertThat(standalone).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("'users.name' is " + reportedIntType() + " (numeric) on the target but the mapping writes text"),
                p -> assertThat(p).contains("'users.email' (source column 'users.email' " + text + ") does not exist on the target"),
                p -> assertThat(p).contains("'users.email_address' is NOT NULL with no default on the target"),
                p -> assertThat(p).startsWith("reverse stream target -> source").contains("'users.name' is " + text + " (text)"),
                p -> assertThat(p).startsWith("reverse stream target -> source")
                        .contains("'users.email_address' (source column 'users.email_address' " + text + ") does not exist"),
                p -> assertThat(p).startsWith("reverse stream target -> source")
                        .contains("'users.email' is NOT NULL with no default"));

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), SchemaChangeWrites.phone(), 2)) {
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
            assertThat(sides.leftovers(Side.BLUE)).isEmpty();
            assertThat(sides.leftovers(Side.GREEN)).isEmpty();
            assertThat(SchemaChangeTables.rows(green, "users")).isEmpty();
            assertThat(SchemaChangeTables.rows(blue, "users")).hasSizeGreaterThan(50);
        }
        raw.close();
    }

    @Test
    void aLossyReverse_isRefusedByTheRoundTrip_thenAcceptedWhenAsked_andRecordedInTheResult() throws Exception {
        freshSchema("s_lossy");
        exec(Side.BLUE, v1());
        seed("users", 200, i -> "User " + i, i -> "User" + i + "@Example.ORG");
        exec(Side.GREEN, v2());
        DataSource blue = app(Side.BLUE);
        DataSource green = app(Side.GREEN);
        TableMapping users = Transforms.forTable("users").key("id")
                .custom("lower-case emails", SchemaChangeScenario::lowerEmail, r -> r) // v1 kept the case: not undone
                .addComputedColumn("phone", SchemaChangeScenario::phone)
                .build();
        ReplicationLink raw = link("lossy", "users").transform("users", users, users.reverse()).build();
        raw.stream().start();
        raw.stream().awaitFence(CATCH_UP);

        try (ConnectionSwitcher switcher = ConnectionSwitcher.between(blue, green);
                SchemaChangeWriters writers = new SchemaChangeWriters(switcher, onGreen(), SchemaChangeWrites.phone(), 3)) {
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
        Map<Long, Row> blueRows = SchemaChangeTables.rows(app(Side.BLUE), mapping.sourceTable());
        Map<Long, Row> greenRows = SchemaChangeTables.rows(app(Side.GREEN), mapping.targetTable());
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
                have.put(id, Arrays.asList(r.get(nameColumn), r.get(emailColumn)));
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
