package io.cutover.mysql;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A test-only pipe that exercises the dialect pieces end to end without the product's engine
 * host: Debezium captures from blue, {@link ConnectValues} converts, {@link MySqlSql}'s
 * statements write to green one change at a time. Not an applier (no batching, no offsets).
 */
final class CaptureToGreen implements AutoCloseable {
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final Connection green;
    private final String database;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    CaptureToGreen(Properties capture, Endpoint greenApply) throws SQLException {
        this.database = greenApply.database();
        this.green = greenApply.connect();
        try (Statement st = green.createStatement()) {
            st.execute("SET time_zone = '" + ConnectValues.APPLY_TIME_ZONE + "'");
        }
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(capture)
                .notifying(event -> {
                    try {
                        apply(event.record());
                    } catch (SQLException | RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                })
                .build();
        executor.execute(engine);
    }

    /** Returns how many changes were written to green. */
    long applied() {
        return applied.get();
    }

    /** Throws the first error seen, if any. */
    void assertHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("applying to green failed", t);
        }
    }

    private void apply(SourceRecord record) throws SQLException {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return;
        }
        String op = value.getString("op");
        String table = value.getStruct("source").getString("table");
        List<String> keys = record.keySchema().fields().stream().map(Field::name).toList();
        if ("d".equals(op)) {
            Struct before = value.getStruct("before");
            try (PreparedStatement ps = green.prepareStatement(MySqlSql.delete(database, table, keys))) {
                bind(ps, before, keys);
                ps.executeUpdate();
            }
        } else {
            Struct after = value.getStruct("after");
            List<String> columns = after.schema().fields().stream().map(Field::name).toList();
            try (PreparedStatement ps = green.prepareStatement(MySqlSql.upsert(database, table, columns, keys))) {
                bind(ps, after, columns);
                ps.executeUpdate();
            }
        }
        applied.incrementAndGet();
    }

    private static void bind(PreparedStatement ps, Struct row, List<String> columns) throws SQLException {
        List<Object> values = new ArrayList<>();
        for (String c : columns) {
            values.add(ConnectValues.toJdbc(row.schema().field(c).schema(), row.get(c)));
        }
        for (int i = 0; i < values.size(); i++) {
            ps.setObject(i + 1, values.get(i));
        }
    }

    @Override
    public void close() throws java.io.IOException, SQLException {
        engine.close();
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        green.close();
    }
}
