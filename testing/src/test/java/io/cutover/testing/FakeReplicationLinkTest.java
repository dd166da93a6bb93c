package io.cutover.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.CutoverException;
import io.cutover.PreflightException;
import io.cutover.Side;
import io.cutover.ReplicationLink;
import org.junit.jupiter.api.Test;

class FakeReplicationLinkTest {
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);

    @Test
    void reverse_sharesTheGuardsAndTheJournal() {
        ReplicationLink reverse = link.prepareReverse();
        assertThat(reverse.source()).isEqualTo(Side.GREEN);
        assertThat(reverse.target()).isEqualTo(Side.BLUE);
        assertThat(reverse.sourceGuard()).isSameAs(link.targetGuard());
        assertThat(reverse.targetGuard()).isSameAs(link.sourceGuard());
        reverse.sourceGuard().engage();
        assertThat(link.guard(Side.GREEN).engaged()).isTrue();
        assertThat(link.journal()).containsExactly("reverse green -> blue prepared", "green guard engaged");
    }

    @Test
    void guard_engageAndReleaseAreIdempotentAndCounted() {
        FakeWriteGuard blue = link.guard(Side.BLUE);
        blue.engage();
        blue.engage();
        blue.release();
        blue.release();
        assertThat(blue.engagements()).isEqualTo(2);
        assertThat(blue.engaged()).isFalse();
        assertThat(link.journal()).containsExactly("blue guard engaged", "blue guard engaged", "blue guard released");
    }

    @Test
    void scriptedFailures_failTheRightStep() {
        link.preflightFails("one", "two").failToPrepareReverse();
        link.guard(Side.BLUE).failToEngage();
        assertThatThrownBy(link::preflight).isInstanceOfSatisfying(PreflightException.class,
                e -> assertThat(e.problems()).containsExactly("one", "two"));
        assertThatThrownBy(link::prepareReverse).isInstanceOf(CutoverException.class).hasMessageContaining("green");
        assertThatThrownBy(() -> link.guard(Side.BLUE).engage()).isInstanceOf(CutoverException.class);
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
    }

    @Test
    void handoff_reportsTheScriptedLines() {
        link.handoffReports("a: 1 -> 2");
        assertThat(link.keyHandoff().handOff()).containsExactly("a: 1 -> 2");
        assertThat(link.journal()).containsExactly("keys handed off blue -> green");
    }

    @Test
    void close_closesTheStreamOnce() {
        link.stream().start();
        link.close();
        link.close();
        assertThat(link.isClosed()).isTrue();
        assertThat(link.journal()).containsExactly("stream blue->green started", "stream blue->green closed",
                "link blue -> green closed");
    }
}
