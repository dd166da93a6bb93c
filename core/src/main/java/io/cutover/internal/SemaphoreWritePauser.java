package io.cutover.internal;

import io.cutover.WritePauser;
import java.time.Clock;
import java.time.Duration;

/** Placeholder until the gate lands; see WritePauser. */
public final class SemaphoreWritePauser implements WritePauser {
    public SemaphoreWritePauser(String name, Duration maxWait, Clock clock) {
        throw new UnsupportedOperationException("not yet");
    }
    @Override public Lease enter() { throw new UnsupportedOperationException(); }
    @Override public void pause(Duration d) { throw new UnsupportedOperationException(); }
    @Override public boolean tryPause(Duration d) { throw new UnsupportedOperationException(); }
    @Override public void resume() { throw new UnsupportedOperationException(); }
    @Override public boolean isPaused() { throw new UnsupportedOperationException(); }
    @Override public int inFlight() { throw new UnsupportedOperationException(); }
}
