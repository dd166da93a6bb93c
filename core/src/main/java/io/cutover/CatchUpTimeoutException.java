package io.cutover;

/** The replication stream did not apply the fence on the target within the budget. */
public class CatchUpTimeoutException extends CutoverException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong: the fence, the time waited, the lag seen
     */
    public CatchUpTimeoutException(String message) {
        super(Phase.CATCH_UP, message);
    }
}
