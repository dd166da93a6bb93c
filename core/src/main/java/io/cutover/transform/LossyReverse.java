package io.cutover.transform;

/**
 * What the round-trip check does when a mapping's reverse does not give back the source rows.
 *
 * <p>Thread safety: an enum, immutable.
 */
public enum LossyReverse {
    /** Refuse: the check throws a {@link io.cutover.PreflightException} listing what is lost. */
    REFUSE,
    /** Accept and record it: the check returns a report with {@code lossyAccepted() == true}. */
    ACCEPT
}
