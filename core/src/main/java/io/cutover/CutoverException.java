package io.cutover;

import java.util.Objects;

/**
 * Root of every exception Cutover throws. Unchecked; carries the {@link Phase} it failed in so
 * callers and reports can tell a failed drain from a failed catch-up without parsing messages.
 * Subtypes exist only where a caller would handle them differently.
 */
public class CutoverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Phase phase;

    /**
     * Creates an exception.
     *
     * @param phase the phase that failed; not null
     * @param message what is wrong, with the numbers and the fix where there is one
     */
    public CutoverException(Phase phase, String message) {
        super(message);
        this.phase = Objects.requireNonNull(phase, "phase");
    }

    /**
     * Creates an exception with a cause (an {@code SQLException} is always wrapped, never dropped).
     *
     * @param phase the phase that failed; not null
     * @param message what is wrong, with the numbers and the fix where there is one
     * @param cause the underlying failure
     */
    public CutoverException(Phase phase, String message, Throwable cause) {
        super(message, cause);
        this.phase = Objects.requireNonNull(phase, "phase");
    }

    /**
     * Returns the phase the failure happened in.
     *
     * @return the phase, never null
     */
    public Phase phase() {
        return phase;
    }
}
