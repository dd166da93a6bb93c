package io.cutover.spring;

/**
 * What the {@code cutover} endpoint's {@code GET} shows: where writes go, how the stream to the
 * other side is doing, and how the last cutover or rollback went. Holds no URL, user or password.
 *
 * @param name the cutover's name ({@code cutover.name})
 * @param dialect postgres or mysql
 * @param liveSide the side writes go to now, "blue" or "green"
 * @param running whether the starter's stream is running (started and not stopped)
 * @param stream the running stream's name, or null before it started
 * @param direction the stream's direction, "blue -> green" or "green -> blue", or null before it started
 * @param state the stream's state ({@code io.cutover.ReplicationStream.State}), or "NEW" before it started
 * @param lag how far the stream's target is behind its source
 * @param failure why the stream failed, or null
 * @param lastCutover the report of the last cutover or rollback, or null if none ran
 */
public record CutoverStatus(String name, String dialect, String liveSide, boolean running, String stream,
        String direction, String state, Lag lag, String failure, CutoverReport lastCutover) {

    /**
     * A stream's lag, in plain numbers.
     *
     * @param events changes captured and not yet applied
     * @param behindMillis age of the oldest of them, in milliseconds
     */
    public record Lag(long events, long behindMillis) {

        /**
         * Converts the library's lag.
         *
         * @param lag the lag
         * @return the same in plain numbers
         */
        static Lag of(io.cutover.Lag lag) {
            return new Lag(lag.events(), lag.behind().toMillis());
        }
    }
}
