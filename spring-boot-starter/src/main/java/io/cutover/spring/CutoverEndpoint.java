package io.cutover.spring;

import io.cutover.CutoverAbortedException;
import io.cutover.CutoverException;
import io.cutover.FinishIncompleteException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code cutover} actuator endpoint:
 * <ul>
 *   <li>{@code GET /actuator/cutover}: {@link CutoverStatus} (live side, stream state and lag,
 *       the last cutover's report);</li>
 *   <li>{@code POST /actuator/cutover/cutover}: moves writes to green, answers the
 *       {@link CutoverReport};</li>
 *   <li>{@code POST /actuator/cutover/rollback}: moves them back to blue;</li>
 *   <li>{@code POST /actuator/cutover/verify}: compares the two sides while writes go on,
 *       answers {@link CutoverVerification};</li>
 *   <li>{@code POST /actuator/cutover/finish}: ends the migration (see
 *       {@link CutoverOperations#finish(boolean)}), answers the {@code io.cutover.FinishReport};
 *       {@code POST /actuator/cutover/finish/make-old-side-writable} also lifts the old side's
 *       write guard.</li>
 * </ul>
 * A refused operation (wrong side, stream not running, another one running) answers 409, an
 * aborted or failed one 500, each with {@code error} saying why (and the report of an aborted
 * run); an unknown operation 400. Expose it with
 * {@code management.endpoints.web.exposure.include=cutover} and protect it as any admin endpoint:
 * its write operations move the application's writes.
 */
@Endpoint(id = "cutover")
public class CutoverEndpoint {

    private final CutoverOperations operations;

    /**
     * Creates the endpoint.
     *
     * @param operations the application's cutover
     */
    public CutoverEndpoint(CutoverOperations operations) {
        this.operations = operations;
    }

    /**
     * Returns the status.
     *
     * @return where writes go, the stream and the last report
     */
    @ReadOperation
    public CutoverStatus status() {
        return operations.status();
    }

    /**
     * Runs an operation.
     *
     * @param operation {@code cutover}, {@code rollback}, {@code verify} or {@code finish}
     * @return the report (200), or {@code error} with 400, 409 or 500
     */
    @WriteOperation
    public WebEndpointResponse<Object> run(@Selector String operation) {
        return run(operation, false);
    }

    /**
     * Finishes the migration and lifts the old side's guard.
     *
     * @param operation {@code finish}
     * @param option {@code make-old-side-writable}
     * @return the report (200), or {@code error} with 400, 409 or 500
     */
    @WriteOperation
    public WebEndpointResponse<Object> run(@Selector String operation, @Selector String option) {
        if (!"finish".equals(operation) || !"make-old-side-writable".equals(option)) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, "unknown operation '" + operation + "/" + option
                    + "'; the operations are cutover, rollback, verify, finish and finish/make-old-side-writable", null);
        }
        return run(operation, true);
    }

    private WebEndpointResponse<Object> run(String operation, boolean makeOldSideWritable) {
        try {
            return switch (operation) {
                case "cutover" -> new WebEndpointResponse<>(operations.cutover(), WebEndpointResponse.STATUS_OK);
                case "rollback" -> new WebEndpointResponse<>(operations.rollback(), WebEndpointResponse.STATUS_OK);
                case "verify" -> new WebEndpointResponse<>(operations.verify(), WebEndpointResponse.STATUS_OK);
                case "finish" -> new WebEndpointResponse<>(operations.finish(makeOldSideWritable),
                        WebEndpointResponse.STATUS_OK);
                default -> error(WebEndpointResponse.STATUS_BAD_REQUEST, "unknown operation '" + operation
                        + "'; the operations are cutover, rollback, verify, finish and finish/make-old-side-writable", null);
            };
        } catch (FinishIncompleteException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("report", e.report());
            body.put("remaining", e.remaining());
            return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
        } catch (CutoverAbortedException e) {
            return error(WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR, e.getMessage(), CutoverReport.of(e.result()));
        } catch (CutoverException e) {
            return error(WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR, e.getMessage(), null);
        } catch (IllegalStateException e) {
            return error(409, e.getMessage(), null);
        } catch (UnsupportedOperationException e) {
            return error(501, e.getMessage(), null);
        }
    }

    private static WebEndpointResponse<Object> error(int status, String message, CutoverReport report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (report != null) {
            body.put("report", report);
        }
        return new WebEndpointResponse<>(body, status);
    }
}
