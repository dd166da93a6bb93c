package io.cutover.capture;

import io.cutover.CutoverException;
import io.cutover.Phase;

/**
 * Applying a batch on the target failed: the stream's recovery tells a lost target from a lost
 * source by it. Thrown on the engine's thread, from {@link BatchHandler}.
 */
final class TargetApplyException extends CutoverException {

    private static final long serialVersionUID = 1L;

    TargetApplyException(String message, Throwable cause) {
        super(Phase.CATCH_UP, message, cause);
    }
}
