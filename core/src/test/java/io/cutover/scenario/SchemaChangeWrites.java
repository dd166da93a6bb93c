package io.cutover.scenario;

import io.cutover.Row;
import io.cutover.contract.SchemaChangeWriters;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * The writes the schema-change scenarios' writers make, as each side's schema wants them: the
 * application's v1 statements on blue, its v2 statements on green.
 */
final class SchemaChangeWrites {

    private SchemaChangeWrites() {
    }

    /** Writes v1 rows on blue, and on green the same rows with the phone the v1 -> v2 mapping computes. */
    static SchemaChangeWriters.Writes phone() {
        return new SchemaChangeWriters.Writes() {
            @Override
            public void insert(Connection c, boolean green, long id, String name, String email) throws SQLException {
                if (green) {
                    run(c, "INSERT INTO users (id, name, email, phone) VALUES (?, ?, ?, ?)", id, name, email,
                            SchemaChangeScenario.phone(new Row("users", Map.of("id", id))));
                } else {
                    run(c, "INSERT INTO users (id, name, email) VALUES (?, ?, ?)", id, name, email);
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
    static SchemaChangeWriters.Writes split(String greenUsers, String greenContacts) {
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
}
