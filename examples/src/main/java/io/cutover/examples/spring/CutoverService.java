package io.cutover.examples.spring;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.CutoverResult;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * Owns the replication between the two databases for the application's lifetime: starts the
 * blue-to-green stream when the context starts, runs a cutover on demand (each one moves writes
 * to the other side; the stream then runs the other way, ready for a rollback), and closes the
 * stream when the context stops. Thread-safe: one cutover at a time.
 */
@Service
public class CutoverService implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(CutoverService.class);

    private final ConnectionSwitcher switcher;
    private final Supplier<ReplicationLink> forwardLink;
    private final CutoverProperties props;
    private ReplicationLink link; // guarded by this
    private volatile boolean running;

    /**
     * Creates the service.
     *
     * @param switcher the application's DataSource
     * @param forwardLink builds the blue-to-green link
     * @param props the budgets
     */
    public CutoverService(ConnectionSwitcher switcher, Supplier<ReplicationLink> forwardLink, CutoverProperties props) {
        this.switcher = switcher;
        this.forwardLink = forwardLink;
        this.props = props;
    }

    /** Starts the blue-to-green stream; the initial copy continues in the background. */
    @Override
    public synchronized void start() {
        link = forwardLink.get();
        link.stream().start();
        running = true;
        LOG.info("replication {} -> {} started", link.source(), link.target());
    }

    /**
     * Moves writes to the other side now, while requests keep coming.
     *
     * @return the report: phases, write pause, outcome
     * @throws io.cutover.CutoverAbortedException if it gave up before the flip; writes stayed
     * @throws io.cutover.PreflightException if a check failed before anything was touched
     */
    public synchronized CutoverResult cutover() {
        Cutover cutover = Cutover.builder()
                .name(props.name())
                .switcher(switcher)
                .link(link)
                .drainBudget(props.drainBudget())
                .totalBudget(props.totalBudget())
                .build();
        CutoverResult result = cutover.execute();
        link = cutover.reverseLink().orElseThrow();
        return result;
    }

    /**
     * Returns the side writes go to now.
     *
     * @return blue or green
     */
    public Side current() {
        return switcher.current();
    }

    /**
     * Returns the link now running, from the current side to the other.
     *
     * @return the link
     */
    public synchronized ReplicationLink link() {
        return link;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (link != null) {
            link.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
