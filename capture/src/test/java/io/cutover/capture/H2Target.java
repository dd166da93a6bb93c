package io.cutover.capture;

import io.cutover.Position;
import io.cutover.spi.CaptureDialect;
import io.cutover.spi.CaptureSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/** A private in-memory H2 database standing in for a target or source, and a dialect that writes to it. */
final class H2Target {

    final JdbcDataSource dataSource = new JdbcDataSource();

    H2Target() {
        // Kept open until the JVM ends, so that each connection sees the same database.
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    CaptureSpec spec(String stream) {
        return CaptureSpec.builder().name(stream).dialect(new Dialect()).session(Map::of).source(dataSource).target(dataSource).build();
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of the first row, or null without a row. */
    Object queryOne(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /** H2's upsert; values bound as they come. */
    static final class Dialect implements CaptureDialect {
        @Override
        public String upsertSql(String table, List<String> columns, List<String> keyColumns) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keyColumns)
                    + ") VALUES (" + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
        }

        @Override
        public String deleteSql(String table, List<String> keyColumns) {
            return "DELETE FROM " + table + " WHERE " + String.join(" = ? AND ", keyColumns) + " = ?";
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value, String columnType) throws SQLException {
            statement.setObject(index, value);
        }

        @Override
        public Position position(Map<String, ?> sourceOffset) {
            throw new UnsupportedOperationException();
        }
    }
}
