package io.cutover.examples.spring;

import io.cutover.CutoverResult;
import io.cutover.PhaseTiming;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operations endpoints: {@code POST /cutover} moves writes to the other database (a second call
 * is the rollback) and answers with the phases and the write pause; {@code GET /cutover} tells
 * where writes go and how far the stream is behind. Protect them as you would any admin endpoint.
 */
@RestController
public class CutoverController {

    private final CutoverService cutovers;

    /**
     * Creates the controller.
     *
     * @param cutovers the service that owns the stream
     */
    public CutoverController(CutoverService cutovers) {
        this.cutovers = cutovers;
    }

    /**
     * Runs a cutover to the other side.
     *
     * @return outcome, sides, write pause and phase durations in milliseconds
     */
    @PostMapping("/cutover")
    public Map<String, Object> cutover() {
        CutoverResult r = cutovers.cutover();
        Map<String, Object> phases = new LinkedHashMap<>();
        for (PhaseTiming p : r.phases()) {
            phases.put(p.phase().name(), p.duration().toNanos() / 1e6);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", r.outcome().name());
        body.put("from", r.from().toString());
        body.put("to", r.to().toString());
        body.put("writePauseMillis", r.writePause().toNanos() / 1e6);
        body.put("phases", phases);
        body.put("checks", r.checks());
        return body;
    }

    /**
     * Tells where writes go and how the stream to the other side is doing.
     *
     * @return the current side, the stream's state and its lag
     */
    @GetMapping("/cutover")
    public Map<String, Object> status() {
        var link = cutovers.link();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("current", cutovers.current().toString());
        body.put("stream", link.stream().name());
        body.put("state", link.stream().state().name());
        body.put("lag", link.stream().lag().toString());
        return body;
    }
}
