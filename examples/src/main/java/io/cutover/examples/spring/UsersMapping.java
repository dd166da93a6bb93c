package io.cutover.examples.spring;

import io.cutover.Row;
import io.cutover.transform.TableMapping;
import io.cutover.transform.Transforms;

/**
 * How {@code users} changes between the versions: v2 on green adds {@code phone}, computed from the
 * row as it is replicated; the way back drops it.
 */
final class UsersMapping {

    private final TableMapping forward;

    UsersMapping(String table) {
        this.forward = Transforms.forTable(table).key("id").addComputedColumn("phone", UsersMapping::phone).build();
    }

    TableMapping forward() {
        return forward;
    }

    /** A placeholder number derived from the row's id, as a backfill would compute it. */
    static String phone(Row row) {
        Object id = row.get("id");
        return id == null ? null : "+1-555-" + String.format("%07d", ((Number) id).longValue() % 10_000_000L);
    }
}
