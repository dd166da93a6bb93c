package io.cutover.spi;

import java.util.Map;

/**
 * A stream's capture session on its source, as a dialect prepares and ends it: the checks and
 * set-up before each start (slot, publication, schema history, a seeded position), the connector
 * settings of that start, the end of a capture connection that will not stop, and the tear-down
 * once the stream is closed. A dialect module supplies one per stream in its {@link CaptureSpec}.
 *
 * <p>Only the capture host's lifecycle calls these methods, each at one point of the stream's
 * life, never two at once for one stream: {@link #beforeStart()} from {@code start()},
 * {@link #endStalledCapture()} while a stop or close waits for the engine, {@link #afterClose()}
 * from {@code close()}. Implementations need not be thread-safe beyond that, but must tolerate
 * being called from different threads one after the other.
 */
public interface CaptureSession {

    /**
     * Prepares the source for one start of the stream and returns the connector settings for it.
     * Called by each {@code start()} on the starting thread, before the host reads the stream's
     * stored position on the target and before it builds the engine; everything the settings
     * depend on (what is stored, what the server offers) is read here, so computing them later
     * needs no connection. The returned settings are those of
     * {@link CaptureDialect}: connector class, connection, the captured tables (including the fence
     * table), slot or server id, snapshot mode and tuning; the host adds its engine settings.
     *
     * @return the Debezium connector configuration of this start; never null
     * @throws io.cutover.PreflightException if the source cannot serve the stream; the message says why
     * @throws io.cutover.CutoverException if the set-up fails otherwise
     */
    Map<String, String> beforeStart();

    /**
     * Ends the server side of the capture connection (a PostgreSQL walsender, say) when the engine
     * has not stopped a few seconds after being asked to, so a connector blocked on it gives up.
     * Must keep the stream's position (its slot). Called at most once per stop; the default does
     * nothing.
     *
     * @throws RuntimeException if it fails; the host logs it and waits on
     */
    default void endStalledCapture() {
    }

    /**
     * Releases what the session holds on the source (slot, publication, schema history), once the
     * stream is closed: its engine has stopped and the host has deleted its stored position. Called
     * once, by the first {@code close()}; the default does nothing.
     *
     * @throws RuntimeException if it fails; the host logs it and the stream stays closed
     */
    default void afterClose() {
    }
}
