package io.cutover;

/**
 * A cutover was given up before the flip: writes resumed on the source, the forward stream is
 * still running, and nothing was lost. {@link #phase()} is the phase that failed; the cause, if
 * any, is the failure that triggered the abort. {@link #result()} has the timings up to the abort.
 */
public class CutoverAbortedException extends CutoverException {
    private static final long serialVersionUID = 1L;

    private final transient CutoverResult result;

    /**
     * Creates the exception.
     *
     * @param phase the phase that failed
     * @param message why the cutover was aborted
     * @param cause what failed, or null
     * @param result the report up to the abort; may be null
     */
    public CutoverAbortedException(Phase phase, String message, Throwable cause, CutoverResult result) {
        super(phase, message, cause);
        this.result = result;
    }

    /**
     * Returns the report of the aborted run: which phases ran, how long writes were paused.
     *
     * @return the report, or null when none was made
     */
    public CutoverResult result() {
        return result;
    }
}
