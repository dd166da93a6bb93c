package io.cutover.spring;

import io.cutover.TableDiff;
import io.cutover.VerifyReport;
import java.util.List;

/**
 * A {@link VerifyReport} in plain values, as the {@code cutover} endpoint shows it: whether the
 * side writes go to and the other side hold the same rows (through the transforms), table by table.
 *
 * @param direction the link compared, "blue -> green" or "green -> blue"
 * @param clean whether no table differs
 * @param rowsCompared source rows compared, all tables
 * @param durationMillis how long the comparison took
 * @param summary the report as the library words it, one table a line
 * @param tables each table's counts
 */
public record CutoverVerification(String direction, boolean clean, long rowsCompared, long durationMillis, String summary,
        List<Table> tables) {

    /**
     * Copies the list.
     *
     * @param direction see the record component
     * @param clean see the record component
     * @param rowsCompared see the record component
     * @param durationMillis see the record component
     * @param summary see the record component
     * @param tables see the record component
     */
    public CutoverVerification {
        tables = List.copyOf(tables);
    }

    /**
     * One table's result.
     *
     * @param sourceTable the table on the source side
     * @param targetTable the table on the target side
     * @param rowsCompared source rows compared
     * @param differences rows that differ
     * @param unsettled rows still changing at every re-check, not judged
     * @param summary the table's result as the library words it, with the first differing keys
     */
    public record Table(String sourceTable, String targetTable, long rowsCompared, long differences, long unsettled,
            String summary) {

        static Table of(TableDiff t) {
            return new Table(t.sourceTable(), t.targetTable(), t.rowsCompared(), t.differences(), t.unsettled(), t.summary());
        }
    }

    static CutoverVerification of(String direction, VerifyReport r) {
        return new CutoverVerification(direction, r.isClean(), r.rowsCompared(), r.duration().toMillis(), r.summary(),
                r.tables().stream().map(Table::of).toList());
    }
}
