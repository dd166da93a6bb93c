package io.cutover.mysql;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * A Debezium converter that emits MySQL {@code TIME} columns as text ({@code -838:59:59.000000}),
 * not as microseconds. MySQL's TIME is a duration from -838:59:59 to 838:59:59; as a time of day
 * (which the capture host turns microseconds into) every value outside 00:00–24:00 would fail.
 * The text binds back into a TIME column unchanged. Public only because Debezium instantiates it
 * by class name; not part of the API.
 */
public final class TimeAsText implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** Creates the converter; Debezium calls this. */
    public TimeAsText() {
    }

    /**
     * Takes no settings.
     *
     * @param props ignored
     */
    @Override
    public void configure(Properties props) {
    }

    /**
     * Registers the text form for TIME columns and leaves every other column alone.
     *
     * @param column the column
     * @param registration where to register
     */
    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!"TIME".equals(column.typeName().toUpperCase(Locale.ROOT))) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string().name("io.cutover.mysql.Time");
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, TimeAsText::format);
    }

    /**
     * Formats a TIME value as Debezium hands it over (a {@link Duration} from the binlog and the
     * snapshot, a {@link LocalTime} or text elsewhere).
     *
     * @param value the value
     * @return the text, or null for null
     */
    static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Duration d) {
            long micros = d.getSeconds() * 1_000_000L + d.getNano() / 1000;
            return microTime(micros);
        }
        if (value instanceof LocalTime t) {
            return microTime(t.toNanoOfDay() / 1000);
        }
        if (value instanceof java.sql.Time t) {
            return microTime(t.toLocalTime().toNanoOfDay() / 1000);
        }
        if (value instanceof Number n) {
            return microTime(n.longValue());
        }
        return value.toString();
    }

    /**
     * Formats microseconds as a MySQL TIME literal, sign and hours past 24 included.
     *
     * @param micros the duration in microseconds
     * @return {@code [-]H:MM:SS.ffffff}
     */
    static String microTime(long micros) {
        String sign = micros < 0 ? "-" : "";
        long abs = Math.abs(micros);
        long seconds = abs / 1_000_000L;
        return String.format("%s%d:%02d:%02d.%06d", sign, seconds / 3600, (seconds / 60) % 60, seconds % 60,
                abs % 1_000_000L);
    }
}
