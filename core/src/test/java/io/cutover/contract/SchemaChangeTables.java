package io.cutover.contract;

import io.cutover.Row;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Reads a whole table as {@link Row}s by id, for comparing the two sides through a mapping. */
public final class SchemaChangeTables {
    private SchemaChangeTables() {
    }

    public static Map<Long, Row> rows(DataSource ds, String table) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            ResultSetMetaData md = rs.getMetaData();
            Map<Long, Row> out = new LinkedHashMap<>();
            while (rs.next()) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    values.put(md.getColumnLabel(i), v instanceof Number n && !(v instanceof java.math.BigDecimal)
                            ? Long.valueOf(n.longValue()) : v);
                }
                out.put(((Number) values.get("id")).longValue(), new Row(table, values));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + table + ": " + e.getMessage(), e);
        }
    }
}
