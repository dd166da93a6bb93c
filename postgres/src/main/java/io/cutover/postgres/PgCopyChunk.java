package io.cutover.postgres;

/**
 * A part of one table to copy in one worker transaction: a range of heap pages, read by a TID
 * range scan, or the whole table. Immutable.
 *
 * @param table the table
 * @param fromPage first page, inclusive, or -1 for the whole table
 * @param toPage page to stop before, or -1 for no end (the last chunk runs to the table's end, so
 *     pages added after the plan was made are read too)
 */
record PgCopyChunk(PgCopyTable table, long fromPage, long toPage) {

    static PgCopyChunk whole(PgCopyTable table) {
        return new PgCopyChunk(table, -1, -1);
    }

    /** The condition that selects this chunk's rows, or an empty string for the whole table. */
    String where() {
        if (fromPage < 0) {
            return "";
        }
        String from = " WHERE ctid >= '(" + fromPage + ",0)'::tid";
        return toPage < 0 ? from : from + " AND ctid < '(" + toPage + ",0)'::tid";
    }

    @Override
    public String toString() {
        return table.sourceTable() + (fromPage < 0 ? "" : " pages " + fromPage + ".." + (toPage < 0 ? "end" : toPage));
    }
}
