package io.cutover;

import java.util.Objects;

/**
 * A point in a source's change stream, as the dialect writes it: an LSN for PostgreSQL
 * ({@code "lsn 0/16B3748"}), a binlog file and offset or a GTID set for MySQL. Opaque to core;
 * for reports and logs.
 *
 * @param value the dialect's text form
 */
public record Position(String value) {
    /** The position of a stream that has applied nothing yet. */
    public static final Position NONE = new Position("none");

    /**
     * Validates the value.
     *
     * @param value see the record component
     * @throws NullPointerException if value is null
     */
    public Position {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value;
    }
}
