package io.cutover.postgres;

import io.cutover.Phase;
import io.cutover.spi.CaptureSession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The capture session of one PostgreSQL stream on its source: before each start it waits for a
 * slot left by the last run, checks the source and creates the publication (and, without a bulk
 * copy, the slot); a stalled stop ends the slot's walsender; close drops the slot and the
 * publication. The connector settings come from {@link PgDialect}, which needs nothing read at
 * start. Called by the capture host's lifecycle, one call at a time.
 */
final class PgSession implements CaptureSession {

    private final PgEndpoint source;
    private final PgEndpoint target;
    private final PgNames names;
    private final List<String> tables;
    private final PgCapture capture;
    private final PgDialect dialect;
    private final boolean createSlot;
    private final AtomicBoolean startedBefore = new AtomicBoolean();
    // Stores a start position fixed inside the write pause; run by the next start, then dropped.
    private final java.util.concurrent.atomic.AtomicReference<Runnable> pendingStart = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Creates the session.
     *
     * @param source the source
     * @param names the stream's slot, publication and schema names
     * @param tables the captured tables as the source names them
     * @param capture the slot and publication on the source
     * @param dialect computes the connector settings
     * @param createSlot whether each start creates the slot (false when the bulk copy creates it,
     *     to read the tables under the snapshot the slot exports)
     */
    PgSession(PgEndpoint source, PgEndpoint target, PgNames names, List<String> tables, PgCapture capture, PgDialect dialect,
            boolean createSlot) {
        this.source = source;
        this.target = target;
        this.names = names;
        this.tables = List.copyOf(tables);
        this.capture = capture;
        this.dialect = dialect;
        this.createSlot = createSlot;
    }

    /**
     * Has the next start store the stream's start position first (with {@code store}), before
     * the capture host reads what the target holds for the stream.
     *
     * @param store writes the position; run once, or again on a later start if it fails
     */
    void storeStartBeforeStarting(Runnable store) {
        pendingStart.set(store);
    }

    @Override
    public Map<String, String> beforeStart() {
        Runnable store = pendingStart.getAndSet(null);
        if (store != null) {
            try {
                store.run();
            } catch (RuntimeException e) {
                pendingStart.compareAndSet(null, store);
                throw e;
            }
        }
        // After a stop in this process the slot's holder, if any, is our own walsender, ending.
        capture.awaitSlotReleased(Duration.ofSeconds(3), startedBefore.getAndSet(true));
        PgPreflight.source(source, names, tables, false);
        PgStaleOffset.check(source, target, names, !createSlot); // before a slot is made that would hide a lost one
        capture.setUp(Phase.PREFLIGHT, createSlot);
        return dialect.connectorProperties();
    }

    @Override
    public void endStalledCapture() {
        capture.endWalsender();
    }

    @Override
    public void afterClose() {
        capture.tearDown();
    }

    @Override
    public String toString() {
        return "PostgreSQL capture session " + names.stream() + " on " + source;
    }
}
