package io.cutover.transform;

import io.cutover.CutoverException;
import io.cutover.Phase;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TableMapping} could not map one row: a value that does not convert, a column the row
 * does not have, a user function that threw. The message names the table, the step, the column,
 * the value and the row's key, and the fix.
 *
 * <p>The replication stream applies mappings while it copies changes, which the cutover waits on in
 * {@link Phase#CATCH_UP}; that is the phase this exception carries. The round-trip check catches it
 * and reports it as a preflight problem instead.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class RowTransformException extends CutoverException {
    private static final long serialVersionUID = 1L;

    /** The mapping's source table. */
    private final String table;
    /** The failing column, or null. */
    private final String column;
    /** The failing value; not serialised, as it may be of any class. */
    private final transient Object value;
    /** The failing row's key; its values must be serialisable for the exception to be. */
    private final Map<String, Object> key;

    /**
     * Creates the exception.
     *
     * @param table the source table of the mapping
     * @param column the column that failed, or null when the failure is not about one column
     * @param value the value that failed; may be null
     * @param key the row's key (source columns to values); empty when the mapping declares no key
     * @param message the full message, naming all of the above and the fix
     * @param cause the underlying failure, or null
     */
    public RowTransformException(String table, String column, Object value, Map<String, Object> key,
                                 String message, Throwable cause) {
        super(Phase.CATCH_UP, message, cause);
        this.table = table;
        this.column = column;
        this.value = value;
        this.key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
    }

    /**
     * Returns the mapping's source table.
     *
     * @return the table name
     */
    public String table() {
        return table;
    }

    /**
     * Returns the column that failed.
     *
     * @return the column name, or null when the failure is about the whole row
     */
    public String column() {
        return column;
    }

    /**
     * Returns the value that failed.
     *
     * @return the value; null when it was null or is not known
     */
    public Object value() {
        return value;
    }

    /**
     * Returns the failing row's key.
     *
     * @return source key column to value, unmodifiable; empty when the mapping declares no key
     */
    public Map<String, Object> key() {
        return key;
    }
}
