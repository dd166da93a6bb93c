package io.cutover.spring;

import io.cutover.RowTransform;
import io.cutover.transform.TableMapping;
import java.util.Objects;

/**
 * A table's transforms, blue to green and back, as a bean the starter hands to the dialect's
 * builder. Define one per transformed table:
 *
 * <pre>{@code
 * @Bean
 * CutoverTransform users() {
 *     return CutoverTransform.of(Transforms.forTable("users").key("id")
 *             .addComputedColumn("phone", row -> null).build());
 * }
 * }</pre>
 *
 * <p>A {@link TableMapping} bean is taken the same way, as {@link #of(TableMapping)}. Tables
 * without a transform replicate as they are.
 *
 * @param table the table as blue names it; must be among {@code cutover.tables}
 * @param blueToGreen applied to every change going to green
 * @param greenToBlue applied to every change coming back to blue after a cutover
 */
public record CutoverTransform(String table, RowTransform blueToGreen, RowTransform greenToBlue) {

    /**
     * Validates the values.
     *
     * @param table see the record component
     * @param blueToGreen see the record component
     * @param greenToBlue see the record component
     * @throws NullPointerException if any is null
     */
    public CutoverTransform {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(blueToGreen, "blueToGreen");
        Objects.requireNonNull(greenToBlue, "greenToBlue");
    }

    /**
     * Takes a declarative mapping and its reverse.
     *
     * @param mapping blue's table to green's; its reverse carries changes back
     * @return the transform of {@code mapping.sourceTable()}
     * @throws NullPointerException if mapping is null
     * @throws IllegalStateException if the mapping has no reverse (the message says which step)
     */
    public static CutoverTransform of(TableMapping mapping) {
        Objects.requireNonNull(mapping, "mapping");
        return new CutoverTransform(mapping.sourceTable(), mapping, mapping.reverse());
    }
}
