package io.cutover.transform;

import io.cutover.PreflightException;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import io.cutover.spi.KeyHandoff;
import io.cutover.ReplicationLink;
import io.cutover.spi.WriteGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplicationLink} whose preflight also runs a {@link MappingCheck} against the link's
 * real source and target, and whose reverse is checked the same way with the reversed mappings.
 * Everything else is the wrapped link's. Thread-safe: the report lines are published through a
 * volatile field.
 */
final class CheckedLink implements ReplicationLink {
    private static final Logger LOG = LoggerFactory.getLogger(CheckedLink.class);

    private final ReplicationLink link;
    private final MappingCheck check;
    private final Catalog blue;
    private final Catalog green;
    private volatile List<String> lines = List.of();

    CheckedLink(ReplicationLink link, MappingCheck check, Catalog blue, Catalog green) {
        this.link = Objects.requireNonNull(link, "link");
        this.check = Objects.requireNonNull(check, "check");
        this.blue = Objects.requireNonNull(blue, "blue");
        this.green = Objects.requireNonNull(green, "green");
    }

    private Catalog catalog(Side side) {
        return side == Side.BLUE ? blue : green;
    }

    @Override
    public Side source() {
        return link.source();
    }

    @Override
    public Side target() {
        return link.target();
    }

    @Override
    public ReplicationStream stream() {
        return link.stream();
    }

    /**
     * Runs the link's preflight and the mapping check, and throws every problem of both at once.
     *
     * @throws PreflightException listing every problem, each with its fix
     */
    @Override
    public void preflight() {
        lines = List.of();
        List<String> problems = new ArrayList<>();
        try {
            link.preflight();
        } catch (PreflightException e) {
            problems.addAll(e.problems());
        }
        Side source = link.source();
        Side target = link.target();
        try {
            List<String> found = check.run(catalog(source), catalog(target), MappingCheck.label(source),
                    MappingCheck.label(target));
            lines = found;
            found.forEach(line -> LOG.info("{}", line));
        } catch (PreflightException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
    }

    @Override
    public List<String> checks() {
        List<String> out = new ArrayList<>(link.checks());
        out.addAll(lines);
        return List.copyOf(out);
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

    /**
     * Prepares the wrapped link's reverse and wraps it with the reversed check.
     *
     * @return the checked reverse link
     * @throws IllegalStateException if a mapping has no reverse (the preflight refuses such a
     *     mapping first); nothing was set up
     */
    @Override
    public ReplicationLink prepareReverse() {
        MappingCheck back = check.reversed(); // before setting anything up, so a failure leaves nothing behind
        return new CheckedLink(link.prepareReverse(), back, blue, green);
    }

    @Override
    public List<String> prepareReverseBeforePause() {
        return link.prepareReverseBeforePause();
    }

    @Override
    public void discardReverse() {
        link.discardReverse();
    }

    @Override
    public io.cutover.VerifyReport verify(io.cutover.VerifyOptions options) {
        return link.verify(options);
    }

    @Override
    public void close() {
        link.close();
    }

    /**
     * Returns the wrapped link, for code that needs its own type.
     *
     * @return the wrapped link
     */
    ReplicationLink unwrap() {
        return link;
    }

    @Override
    public String toString() {
        return link + " checked by " + check;
    }
}
