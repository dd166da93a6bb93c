package io.cutover;

/**
 * A writer asked for a lease while writes were paused and the pause outlasted the writer's
 * bound. Nothing was written; the writer may retry.
 */
public class WritesPausedException extends CutoverException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message how long the writer waited and why writes are paused
     */
    public WritesPausedException(String message) {
        super(Phase.PAUSE, message);
    }
}
