package io.cutover.capture;

/**
 * What a {@link StreamLifecycle} asks when a running stream fails: whether to retry, and to
 * begin. {@link StreamRecovery} is the stream's; {@link #NEVER} fails every failure.
 */
interface Recoverer {

    /**
     * Whether retrying may fix {@code error}.
     *
     * @param error the failure
     * @return true to recover, false to fail
     */
    boolean accepts(Throwable error);

    /**
     * The stream is about to move to {@code RECOVERING} because of {@code error}: note it.
     *
     * @param error the failure
     */
    void lost(Throwable error);

    /** The stream moved to {@code RECOVERING}: begin retrying. Must not block. */
    void begin();

    /**
     * A recovering stream's run failed again with an error it accepts.
     *
     * @param error the failure
     */
    void failedAgain(Throwable error);

    /**
     * Whether a transient failure of the stream's own start is recovered too (the stream then
     * moves from {@code STARTING} to {@code RECOVERING}) rather than failing the start.
     *
     * @return false unless the stream retries its starts
     */
    default boolean retriesStart() {
        return false;
    }

    /** A recoverer that recovers nothing: every failure fails the stream. */
    Recoverer NEVER = new Recoverer() {
        @Override
        public boolean accepts(Throwable error) {
            return false;
        }

        @Override
        public void lost(Throwable error) {
        }

        @Override
        public void begin() {
        }

        @Override
        public void failedAgain(Throwable error) {
        }
    };
}
