package io.cutover.scenario;

import io.cutover.RowTransform;
import io.cutover.ReplicationLink;
import io.cutover.faults.FaultyDataSource;
import java.sql.SQLException;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A dialect's link builder as the scenarios see it: the transforms they add and {@code build()}.
 * The dialect factories' builders share these methods but no type, so a dialect IT adapts its
 * own with {@link #of}.
 */
public interface LinkRecipe {

    /** Adds a transform for a table kept under its name (or renamed by the transform's mapping). */
    LinkRecipe transform(String table, RowTransform blueToGreen, RowTransform greenToBlue);

    /** Adds a transform for a blue table replicated to a green table of another name. */
    LinkRecipe transform(String blueTable, String greenTable, RowTransform blueToGreen, RowTransform greenToBlue);

    /** Whether the stream copies blue's rows first (on unless told). */
    LinkRecipe initialCopy(boolean initialCopy);

    /**
     * Runs a hook just before each apply commit on green (a commit that wrote the stream's offset
     * row), through a {@link FaultyDataSource} around green's DataSource: a test throws from it to
     * crash the stream there, or blocks in it to hold the apply. No hook rides in production code.
     */
    LinkRecipe beforeCommit(Runnable hook);

    /** Builds the link, not started. */
    ReplicationLink build();

    /** A {@code transform(table, b2g, g2b)} method of a dialect builder. */
    @FunctionalInterface
    interface SameName<B> {
        B transform(B builder, String table, RowTransform blueToGreen, RowTransform greenToBlue);
    }

    /** A {@code transform(blueTable, greenTable, b2g, g2b)} method of a dialect builder. */
    @FunctionalInterface
    interface Renamed<B> {
        B transform(B builder, String blueTable, String greenTable, RowTransform blueToGreen, RowTransform greenToBlue);
    }

    /**
     * Adapts a dialect builder, e.g. {@code LinkRecipe.of(b, Builder::transform, Builder::transform,
     * Builder::initialCopy, (b, ds) -> b.dataSource(Side.GREEN, ds), greenApply, Builder::build)},
     * where {@code greenApply} is the DataSource the builder would apply through on green. The
     * builder's own exceptions pass through unchanged.
     */
    static <B> LinkRecipe of(B builder, SameName<B> sameName, Renamed<B> renamed, BiFunction<B, Boolean, B> initialCopy,
            BiFunction<B, DataSource, B> greenDataSource, DataSource greenApply, Function<B, ReplicationLink> build) {
        return new LinkRecipe() {
            @Override
            public LinkRecipe transform(String table, RowTransform blueToGreen, RowTransform greenToBlue) {
                sameName.transform(builder, table, blueToGreen, greenToBlue);
                return this;
            }

            @Override
            public LinkRecipe transform(String blueTable, String greenTable, RowTransform blueToGreen,
                    RowTransform greenToBlue) {
                renamed.transform(builder, blueTable, greenTable, blueToGreen, greenToBlue);
                return this;
            }

            @Override
            public LinkRecipe initialCopy(boolean on) {
                initialCopy.apply(builder, on);
                return this;
            }

            @Override
            public LinkRecipe beforeCommit(Runnable hook) {
                greenDataSource.apply(builder, FaultyDataSource.wrap(greenApply, new FaultyDataSource.CommitHook() {
                    @Override
                    public void beforeCommit(FaultyDataSource.Commit commit) throws SQLException {
                        if (commit.mentions("cutover_offsets")) {
                            try {
                                hook.run();
                            } catch (RuntimeException e) {
                                throw new SQLException(e.getMessage(), e);
                            }
                        }
                    }
                }));
                return this;
            }

            @Override
            public ReplicationLink build() {
                return build.apply(builder);
            }
        };
    }
}
