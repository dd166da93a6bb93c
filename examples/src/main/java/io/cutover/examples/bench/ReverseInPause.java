package io.cutover.examples.bench;

import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.spi.KeyHandoff;
import io.cutover.spi.WriteGuard;
import java.util.List;

/**
 * A link that prepares nothing of its reverse before the pause, so the whole of
 * {@link ReplicationLink#prepareReverse()} runs inside it: the behaviour before the reverse slot
 * moved out of the pause, kept to measure against in the same run. Everything else is the
 * wrapped link's.
 */
final class ReverseInPause implements ReplicationLink {

    private final ReplicationLink link;

    ReverseInPause(ReplicationLink link) {
        this.link = link;
    }

    @Override
    public Side source() {
        return link.source();
    }

    @Override
    public ReplicationStream stream() {
        return link.stream();
    }

    @Override
    public void preflight() {
        link.preflight();
    }

    @Override
    public List<String> checks() {
        return link.checks();
    }

    @Override
    public WriteGuard sourceGuard() {
        return link.sourceGuard();
    }

    @Override
    public WriteGuard targetGuard() {
        return link.targetGuard();
    }

    @Override
    public KeyHandoff keyHandoff() {
        return link.keyHandoff();
    }

    @Override
    public ReplicationLink prepareReverse() {
        return link.prepareReverse();
    }

    @Override
    public List<String> prepareReverseBeforePause() {
        return List.of();
    }

    @Override
    public void close() {
        link.close();
    }
}
