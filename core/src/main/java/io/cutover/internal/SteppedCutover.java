package io.cutover.internal;

import io.cutover.ConnectionSwitcher;
import io.cutover.CutoverListener;
import io.cutover.Lag;
import io.cutover.spi.ReplicationLink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Placeholder until the orchestrator lands. */
public abstract class SteppedCutover implements io.cutover.Cutover {
    public record Settings(String name, ConnectionSwitcher switcher, ReplicationLink link, Duration drainBudget,
            Duration catchUpBudget, Duration totalBudget, Lag maxLagToStart, boolean guard, boolean startReverse,
            Clock clock, List<CutoverListener> listeners) {
    }
    public SteppedCutover(Settings s) {
    }
}
