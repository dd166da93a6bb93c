package io.cutover.examples;

import io.cutover.PreflightException;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.spi.KeyHandoff;
import io.cutover.spi.ReplicationLink;
import io.cutover.spi.WriteGuard;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@link ReplicationLink} that passes everything to the PostgreSQL link but drops one preflight
 * problem: "replication slot ... is already active" for the link's own slot while its own stream
 * is streaming from it. A cutover requires the stream to be streaming, and the PostgreSQL link's
 * source preflight in this build counts the stream's own walsender as "another process", so
 * every cutover would stop in preflight. Any other problem still stops it. Thread-safe.
 */
public final class OwnSlotPreflightLink implements ReplicationLink {

    private static final Pattern OWN_SLOT_ACTIVE =
            Pattern.compile(".*replication slot cutover_\\w+ is already active \\(pid \\d+\\).*", Pattern.DOTALL);

    private final ReplicationLink delegate;

    /**
     * Wraps a link.
     *
     * @param delegate the PostgreSQL link
     */
    public OwnSlotPreflightLink(ReplicationLink delegate) {
        this.delegate = delegate;
    }

    @Override
    public Side source() {
        return delegate.source();
    }

    @Override
    public ReplicationStream stream() {
        return delegate.stream();
    }

    @Override
    public void preflight() {
        try {
            delegate.preflight();
        } catch (PreflightException e) {
            boolean streaming = delegate.stream().state() == ReplicationStream.State.STREAMING;
            List<String> left = e.problems().stream()
                    .filter(p -> !(streaming && OWN_SLOT_ACTIVE.matcher(p).matches()))
                    .toList();
            if (!left.isEmpty()) {
                throw left.size() == e.problems().size() ? e : new PreflightException(left);
            }
        }
    }

    @Override
    public WriteGuard sourceGuard() {
        return delegate.sourceGuard();
    }

    @Override
    public WriteGuard targetGuard() {
        return delegate.targetGuard();
    }

    @Override
    public KeyHandoff keyHandoff() {
        return delegate.keyHandoff();
    }

    @Override
    public ReplicationLink prepareReverse() {
        return new OwnSlotPreflightLink(delegate.prepareReverse());
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
