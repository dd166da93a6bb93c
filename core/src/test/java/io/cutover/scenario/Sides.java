package io.cutover.scenario;

import io.cutover.Side;
import java.util.List;
import javax.sql.DataSource;

/**
 * What a dialect gives every scenario: its blue and green servers as the test sees them. One
 * implementation per dialect serves all the scenarios that dialect runs.
 */
public interface Sides {

    /**
     * Returns the application's connections to one side: DML only. The scenarios build the switcher
     * over these and read the tables through them.
     *
     * @param side the side
     * @return the side's data source
     */
    DataSource app(Side side);

    /**
     * Runs DDL on one side as an account that may create tables.
     *
     * @param side the side
     * @param ddl the statements, in order
     */
    void exec(Side side, String... ddl);

    /**
     * Starts a blue-to-green link over the given tables: initial copy on, not built yet.
     *
     * @param name the cutover's name, unique within the test class
     * @param tables unqualified blue table names
     * @return the recipe, for transforms and {@code build()}
     */
    LinkRecipe link(String name, String... tables);

    /**
     * Returns what the dialect left on a side for replication or guarding (slots, read_only) once
     * the links are closed or before any started; empty when clean.
     *
     * @param side the side
     * @return leftovers, empty when clean
     */
    List<String> leftovers(Side side);
}
