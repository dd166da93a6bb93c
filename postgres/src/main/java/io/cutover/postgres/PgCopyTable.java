package io.cutover.postgres;

import io.cutover.RowTransform;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One table of a bulk initial copy, as planned under the copy's snapshot: where its rows come
 * from and go, and how they travel. Immutable.
 *
 * @param sourceTable the table as the source names it (unqualified)
 * @param targetTable the table as the target names it (unqualified)
 * @param columns the source's stored columns (generated ones left out), in table order
 * @param mode how rows travel
 * @param transform the table's transform ({@link RowTransform#IDENTITY} for the COPY modes)
 * @param targetTypes the target's column name to type name ({@code _int4} for arrays), in table order
 * @param targetKey the target's primary key columns
 * @param dependsOn target tables (among those copied) this one's foreign keys reference, itself left out
 * @param selfReferencing whether the target table has a foreign key to itself (then it is copied
 *     in one statement, which checks the key once every row is in)
 * @param targetWasEmpty whether the target table held no row when the copy started
 */
record PgCopyTable(String sourceTable, String targetTable, List<String> columns, Mode mode, RowTransform transform,
        Map<String, String> targetTypes, List<String> targetKey, Set<String> dependsOn, boolean selfReferencing,
        boolean targetWasEmpty) {

    /** How a table's rows travel from source to target. */
    enum Mode {
        /** {@code COPY ... (FORMAT binary)} both ends: the target has every column with the same type. */
        BINARY,
        /** {@code COPY} text both ends: the target has every column, some with another type it casts to. */
        TEXT,
        /** Rows read by JDBC, each through the transform, upserted in batches. */
        ROWS
    }

    PgCopyTable {
        columns = List.copyOf(columns);
        targetTypes = Map.copyOf(targetTypes);
        targetKey = List.copyOf(targetKey);
        dependsOn = Set.copyOf(dependsOn);
    }
}
