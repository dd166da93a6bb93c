package io.cutover.postgres;

import io.cutover.PauseGate;
import java.time.Duration;
import java.util.Optional;

/**
 * The load scenario on PostgreSQL with a {@link PauseGate} before each pause: every flip waits
 * for a fence applied within 30 ms (at most 2 s, then pauses anyway), and the scenario's
 * invariants hold as without it (nothing lost, nothing on the old side, both sides equal).
 */
class PauseGateLoadIT extends CutoverLoadIT {

    @Override
    protected Optional<PauseGate> pauseGate() {
        return Optional.of(PauseGate.of(Duration.ofMillis(30), Duration.ofSeconds(2)));
    }

    @Override
    protected String dialect() {
        return "postgres-gated";
    }

    @Override
    protected int flips() {
        return Integer.getInteger("cutover.load.gatedFlips", 10);
    }
}
