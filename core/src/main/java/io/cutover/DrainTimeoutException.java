package io.cutover;

/**
 * Writes in flight did not finish within the drain budget. The pauser has already resumed
 * writes when this is thrown, so nothing is left paused.
 */
public class DrainTimeoutException extends CutoverException {
    private static final long serialVersionUID = 1L;

    private final int inFlight;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the leases in flight and the oldest holder
     * @param inFlight how many leases were still open at the deadline
     */
    public DrainTimeoutException(String message, int inFlight) {
        super(Phase.PAUSE, message);
        this.inFlight = inFlight;
    }

    /**
     * Returns how many leases were still open at the deadline.
     *
     * @return the count, at least 1
     */
    public int inFlight() {
        return inFlight;
    }
}
