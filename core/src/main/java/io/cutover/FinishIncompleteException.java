package io.cutover;

import java.util.List;
import java.util.Objects;

/**
 * A {@link ReplicationLink#finish(FinishOptions) finish} removed what it could but not everything:
 * a server was unreachable, or the login lacked a privilege. {@link #report()} lists what was
 * removed; {@link #remaining()} lists each object that is still there, on which side, why, and the
 * exact SQL that removes it by hand. Calling finish again once the cause is fixed removes the rest
 * (finish is idempotent). Its phase is {@link Phase#FINISH}.
 */
public class FinishIncompleteException extends CutoverException {
    private static final long serialVersionUID = 1L;

    private final transient FinishReport report;
    private final List<String> remaining;

    /**
     * Creates the exception; the message lists every object still there.
     *
     * @param report what was removed and left in place on purpose
     * @param remaining one line per object still there: side, object, error, SQL to run by hand
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code remaining} is empty
     */
    public FinishIncompleteException(FinishReport report, List<String> remaining) {
        super(Phase.FINISH, message(report, remaining));
        this.report = report;
        this.remaining = List.copyOf(remaining);
    }

    private static String message(FinishReport report, List<String> remaining) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(remaining, "remaining");
        if (remaining.isEmpty()) {
            throw new IllegalArgumentException("an incomplete finish has something remaining");
        }
        int removed = report.removedFromBlue().size() + report.removedFromGreen().size();
        return "finish of '" + report.link() + "' removed " + removed + " object(s) but could not remove "
                + remaining.size() + "; remove " + (remaining.size() == 1 ? "it" : "them")
                + " by hand, or fix the cause and call finish() again:"
                + System.lineSeparator() + " - " + String.join(System.lineSeparator() + " - ", remaining);
    }

    /**
     * Returns what the finish did remove, and what it left in place on purpose.
     *
     * @return the partial report
     */
    public FinishReport report() {
        return report;
    }

    /**
     * Returns what could not be removed, one line each with the side, the error and the SQL that
     * removes it by hand.
     *
     * @return the remaining objects, never empty
     */
    public List<String> remaining() {
        return remaining;
    }
}
