package io.cutover.internal;

import io.cutover.spi.ColumnValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one side's rows for a {@link TableRun}, each value as the stream would hand it over. One thread. */
final class SideReader {
    private final Connection connection;
    private final ColumnValues values;

    SideReader(Connection connection, ColumnValues values) {
        this.connection = connection;
        this.values = values;
    }

    /** The table's highest key, or null when it is empty. */
    List<Object> lastKey(TableShape shape) throws SQLException {
        try (java.sql.Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(shape.lastKey())) {
            if (!rs.next()) {
                return null;
            }
            ResultSetMetaData md = rs.getMetaData();
            List<Object> key = new ArrayList<>();
            for (int i = 1; i <= shape.keys.size(); i++) {
                key.add(values.read(rs, i, md.getColumnTypeName(i)));
            }
            return key;
        }
    }

    /** Runs a query with a lower bound, an upper bound, or a list of keys bound in order. */
    List<Map<String, Object>> read(String sql, List<Object> first, Object second) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int p = 1;
            if (first != null) {
                for (Object v : first) {
                    ps.setObject(p++, v);
                }
            }
            if (second instanceof List<?> list) {
                for (Object v : list) {
                    if (v instanceof List<?> key) {
                        for (Object k : key) {
                            ps.setObject(p++, k);
                        }
                    } else {
                        ps.setObject(p++, v);
                    }
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                String[] names = new String[n + 1];
                String[] types = new String[n + 1];
                for (int i = 1; i <= n; i++) {
                    names[i] = md.getColumnLabel(i);
                    types[i] = md.getColumnTypeName(i);
                }
                                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) {
                        row.put(names[i], values.read(rs, i, types[i]));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
