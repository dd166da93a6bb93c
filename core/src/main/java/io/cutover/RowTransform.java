package io.cutover;

/**
 * Maps a row of the source's schema to a row of the target's, for example v1
 * {@code users(id, name, email)} to v2 {@code users(id, name, email, phone)}. A replication stream
 * applies it to every change of its table: to the full row of inserts and updates and to the key
 * of deletes. It must be a pure function of the row.
 */
@FunctionalInterface
public interface RowTransform {

    /** The transform that changes nothing. */
    RowTransform IDENTITY = row -> row;

    /**
     * Maps a source row to a target row.
     *
     * @param row the source row (for a delete, only its key columns)
     * @return the target row
     */
    Row apply(Row row);
}
