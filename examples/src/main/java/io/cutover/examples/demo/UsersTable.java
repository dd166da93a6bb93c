package io.cutover.examples.demo;

import io.cutover.Row;
import io.cutover.transform.TableMapping;
import io.cutover.transform.Transforms;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The demo's table in its two versions: v1 {@code users(id, name, email)} on blue, v2
 * {@code users(id, name, email, phone)} on green, and the mapping between them. {@code phone} is
 * computed from the row on the way to green and dropped on the way back. Stateless apart from the
 * table's name; thread-safe.
 */
final class UsersTable {

    private final String name;
    private final Dialect dialect;
    private final TableMapping mapping;

    UsersTable(String name, Dialect dialect) {
        this.name = Objects.requireNonNull(name, "name");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.mapping = Transforms.forTable(name)
                .key("id")
                .addComputedColumn("phone", UsersTable::phoneOf)
                .build();
    }

    String name() {
        return name;
    }

    /** v1 to v2 for the forward stream; its {@code reverse()} is v2 to v1 for the reverse stream. */
    TableMapping mapping() {
        return mapping;
    }

    /** The v2 {@code phone} the service derives from a row: a stable fake number per id. */
    static String phoneOf(Row row) {
        Object id = row.get("id");
        return id == null ? null : String.format("+1-555-%07d", ((Number) id).longValue() % 10_000_000L);
    }

    /** The phone green holds for a user, computed through the forward mapping. */
    String phoneThroughMapping(User user) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", user.id());
        v.put("name", user.name());
        v.put("email", user.email());
        return (String) mapping.apply(new Row(name, v)).get("phone");
    }

    void createV1(DataSource ds) throws SQLException {
        create(ds, "");
    }

    void createV2(DataSource ds) throws SQLException {
        create(ds, ", phone " + dialect.textType);
    }

    private void create(DataSource ds, String extra) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + name);
            st.execute("CREATE TABLE " + name + " (id " + dialect.keyType + " PRIMARY KEY, name " + dialect.textType
                    + " NOT NULL, email " + dialect.textType + " NOT NULL" + extra + ")");
        }
    }

    /** Inserts users 1..rows on blue in batches and records them in the model. */
    void seed(DataSource blue, int rows, UserModel model) throws SQLException {
        try (Connection c = blue.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + name + " (id, name, email) VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int id = 1; id <= rows; id++) {
                User u = UserNames.user(id, 0);
                ps.setLong(1, u.id());
                ps.setString(2, u.name());
                ps.setString(3, u.email());
                ps.addBatch();
                if (id % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
            for (int id = 1; id <= rows; id++) {
                model.put(UserNames.user(id, 0));
            }
        }
    }

    /** Inserts a user in the shape of the side's schema; green's app version writes phone too. */
    void insert(Connection c, User u, boolean v2) throws SQLException {
        String sql = v2 ? "INSERT INTO " + name + " (id, name, email, phone) VALUES (?, ?, ?, ?)"
                : "INSERT INTO " + name + " (id, name, email) VALUES (?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, u.id());
            ps.setString(2, u.name());
            ps.setString(3, u.email());
            if (v2) {
                ps.setString(4, phoneThroughMapping(u));
            }
            ps.executeUpdate();
        }
    }

    void updateEmail(Connection c, long id, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + name + " SET email = ? WHERE id = ?")) {
            ps.setString(1, email);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + name + " WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    long count(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Streams every row in key order to the visitor: id, name, email, and phone when v2 (else null). */
    void scan(DataSource ds, boolean v2, RowVisitor visitor) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false); // lets the PostgreSQL driver fetch in chunks
            try (Statement st = c.createStatement()) {
                st.setFetchSize(2000);
                try (ResultSet rs = st.executeQuery("SELECT id, name, email" + (v2 ? ", phone" : "") + " FROM " + name
                        + " ORDER BY id")) {
                    while (rs.next()) {
                        visitor.row(rs.getLong(1), rs.getString(2), rs.getString(3), v2 ? rs.getString(4) : null);
                    }
                }
            }
            c.commit();
        }
    }

    /** Receives one scanned row. */
    @FunctionalInterface
    interface RowVisitor {
        void row(long id, String name, String email, String phone);
    }
}
