package io.cutover.internal;

import io.cutover.CutoverException;
import io.cutover.CutoverListener;
import io.cutover.CutoverResult;
import io.cutover.Lag;
import io.cutover.Phase;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls every listener, catching and logging what they throw so none can break a cutover. */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final String cutover;
    private final List<CutoverListener> listeners;

    Listeners(String cutover, List<CutoverListener> listeners) {
        this.cutover = cutover;
        this.listeners = List.copyOf(listeners);
    }

    void phaseStarted(Phase phase) {
        each(l -> l.phaseStarted(cutover, phase));
    }

    void phaseFinished(Phase phase, Duration took) {
        each(l -> l.phaseFinished(cutover, phase, took));
    }

    void lagSampled(Lag lag) {
        each(l -> l.lagSampled(cutover, lag));
    }

    void completed(CutoverResult result) {
        each(l -> l.completed(result));
    }

    void refused(CutoverException failure) {
        each(l -> l.refused(cutover, failure));
    }

    void aborted(CutoverException failure) {
        each(l -> l.aborted(cutover, failure));
    }

    private void each(Consumer<CutoverListener> call) {
        for (CutoverListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("cutover '{}': listener {} threw; ignored", cutover, l, e);
            }
        }
    }
}
