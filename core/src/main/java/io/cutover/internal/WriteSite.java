package io.cutover.internal;

import io.cutover.ConnectionSwitcher;
import io.cutover.Side;
import java.time.Duration;
import java.util.Objects;

/**
 * The writes of one application instance, as a cutover drives them: pause (and drain), flip,
 * resume. The orchestrator only talks to this seam, so a coordinator that pauses and flips many
 * instances can stand in for the local one.
 */
public interface WriteSite {

    /**
     * Stops new writes and drains those in flight.
     *
     * @param drainBudget how long to wait
     * @throws io.cutover.DrainTimeoutException past the budget, with writes resumed
     */
    void pause(Duration drainBudget);

    /**
     * Points writes at a side. Only while paused.
     *
     * @param side the side
     */
    void flipTo(Side side);

    /** Lets writes go on. */
    void resume();

    /**
     * Returns where writes go now.
     *
     * @return the side
     */
    Side current();

    /**
     * The site of this JVM: one switcher and its pauser.
     *
     * @param switcher the switcher
     * @return the site
     */
    static WriteSite of(ConnectionSwitcher switcher) {
        Objects.requireNonNull(switcher, "switcher");
        return new WriteSite() {
            @Override
            public void pause(Duration drainBudget) {
                switcher.pauser().pause(drainBudget);
            }

            @Override
            public void flipTo(Side side) {
                switcher.flipTo(side);
            }

            @Override
            public void resume() {
                switcher.pauser().resume();
            }

            @Override
            public Side current() {
                return switcher.current();
            }

            @Override
            public String toString() {
                return "local " + switcher;
            }
        };
    }
}
