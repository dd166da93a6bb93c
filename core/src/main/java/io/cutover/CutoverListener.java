package io.cutover;

import java.time.Duration;

/**
 * Hears what a cutover does as it does it, for progress output and metrics. All methods have
 * empty defaults. Called on the cutover's thread, outside its locks; an exception a listener
 * throws is logged and otherwise ignored, so a faulty listener cannot break a cutover.
 */
public interface CutoverListener {

    /**
     * A phase begins.
     *
     * @param cutover the cutover's name
     * @param phase the phase
     */
    default void phaseStarted(String cutover, Phase phase) {
    }

    /**
     * A phase ended successfully.
     *
     * @param cutover the cutover's name
     * @param phase the phase
     * @param took how long it took
     */
    default void phaseFinished(String cutover, Phase phase, Duration took) {
    }

    /**
     * The stream's lag was sampled (during preflight and while waiting for the fence).
     *
     * @param cutover the cutover's name
     * @param lag the lag seen
     */
    default void lagSampled(String cutover, Lag lag) {
    }

    /**
     * The cutover finished, flipped or rehearsed.
     *
     * @param result the report
     */
    default void completed(CutoverResult result) {
    }

    /**
     * The cutover was refused in preflight: nothing was paused or changed. Not called for a
     * cutover that was never {@code READY} (a second {@code execute()}, say).
     *
     * @param cutover the cutover's name
     * @param failure why, usually a {@link PreflightException} listing every problem
     */
    default void refused(String cutover, CutoverException failure) {
    }

    /**
     * The cutover was aborted; writes are back on the source.
     *
     * @param cutover the cutover's name
     * @param failure why
     */
    default void aborted(String cutover, CutoverException failure) {
    }
}
