package io.cutover.testservers;

import static org.assertj.core.api.Assertions.assertThat;

import ch.vorburger.exec.OutputStreamType;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class OwnTmpMariaDbTest {

    private final OwnTmpMariaDb.ServerLineLevels levels = new OwnTmpMariaDb.ServerLineLevels();

    @Test
    void serverLine_markedError_isLoggedAsWarning() {
        assertThat(levels.dispatch(OutputStreamType.STDERR, "2026-12-04  7:59:44 0 [ERROR] Aborting"))
                .isEqualTo(Level.WARN);
    }

    @Test
    void serverLine_noteOrWarning_isDebugNotError() {
        assertThat(levels.dispatch(OutputStreamType.STDERR,
                "2026-12-04  7:59:44 12 [Warning] Aborted connection 12 to db: 'app' user: 'cutover'"))
                .isEqualTo(Level.DEBUG);
        assertThat(levels.dispatch(OutputStreamType.STDOUT, "2026-12-04  7:59:44 0 [Note] ready for connections."))
                .isEqualTo(Level.DEBUG);
    }
}
