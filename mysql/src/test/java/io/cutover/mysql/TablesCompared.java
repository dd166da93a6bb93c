package io.cutover.mysql;

import io.cutover.testservers.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a whole table as the server's exact bytes per value, for row-by-row comparison. */
final class TablesCompared {
    private TablesCompared() {
    }

    /**
     * Reads every row of a table, ordered by a column, each value as the raw bytes the server sent
     * (so DECIMAL, FLOAT, TIME, BIT and binary values compare exactly), NULL as the text "NULL".
     *
     * @param server the server
     * @param database the schema
     * @param table the table
     * @param orderBy the ordering column(s)
     * @return one line per row
     * @throws SQLException on a database error
     */
    static List<String> rows(MariaDbServer server, String database, String table, String orderBy) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.admin(database); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY " + orderBy)) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        byte[] b = rs.getBytes(i);
                        sb.append(md.getColumnName(i)).append('=')
                                .append(render(b)).append(' ');
                    }
                    rows.add(sb.toString());
                }
            }
        }
        return rows;
    }

    private static String render(byte[] b) {
        if (b == null) {
            return "NULL";
        }
        // Long values print as length and hash so that a failing comparison stays readable.
        return b.length <= 64 ? Arrays.toString(b) : "len=" + b.length + ",hash=" + Arrays.hashCode(b);
    }
}
