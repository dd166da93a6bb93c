package io.cutover;

import java.util.List;

/**
 * A check that runs before anything is touched failed: wrong server settings, a table without a
 * primary key, missing privileges, an unreachable host. Nothing was changed. The message lists
 * every problem found, each with its fix.
 */
public class PreflightException extends CutoverException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * Creates the exception from one or more problems.
     *
     * @param problems each problem and its fix; not empty
     */
    public PreflightException(List<String> problems) {
        super(Phase.PREFLIGHT, format(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Creates the exception for one problem with its cause.
     *
     * @param problem the problem and its fix
     * @param cause the underlying failure (for example an {@code SQLException})
     */
    public PreflightException(String problem, Throwable cause) {
        super(Phase.PREFLIGHT, problem, cause);
        this.problems = List.of(problem);
    }

    /**
     * Returns every problem found, each with its fix.
     *
     * @return an immutable, non-empty list
     */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a PreflightException needs at least one problem");
        }
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder sb = new StringBuilder(problems.size() + " preflight problems:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
