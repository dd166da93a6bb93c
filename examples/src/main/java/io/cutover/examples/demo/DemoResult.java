package io.cutover.examples.demo;

import io.cutover.CutoverResult;
import java.nio.file.Path;
import java.util.List;

/**
 * What one run of the demo did and whether it held.
 *
 * @param cutovers every cutover and rollback, in order
 * @param verifications every comparison of a database with the acknowledged writes, in order
 * @param writes writes acknowledged during the run, by every instance
 * @param writesOnGreen of those, the ones that went to green
 * @param failedWrites writes refused or failed (none expected)
 * @param report the HTML report, or null if it could not be written
 * @param failure why the run stopped early, or null
 * @param instances what each instance of the service did, the coordinating one first
 */
public record DemoResult(List<CutoverResult> cutovers, List<Verification> verifications, long writes,
        long writesOnGreen, long failedWrites, Path report, String failure, List<InstanceReport> instances) {

    /**
     * Validates and copies.
     *
     * @param cutovers see the record component
     * @param verifications see the record component
     * @param writes see the record component
     * @param writesOnGreen see the record component
     * @param failedWrites see the record component
     * @param report see the record component
     * @param failure see the record component
     * @param instances see the record component
     */
    public DemoResult {
        cutovers = List.copyOf(cutovers);
        instances = List.copyOf(instances);
        verifications = List.copyOf(verifications);
    }

    /**
     * Tells whether every cutover flipped and every verification held.
     *
     * @param expectedCutovers how many cutovers and rollbacks should have run
     * @return true when the demo succeeded
     */
    public boolean succeeded(int expectedCutovers) {
        return failure == null && cutovers.size() == expectedCutovers
                && cutovers.stream().allMatch(r -> r.outcome() == CutoverResult.Outcome.FLIPPED)
                && !verifications.isEmpty() && verifications.stream().allMatch(Verification::ok);
    }
}
