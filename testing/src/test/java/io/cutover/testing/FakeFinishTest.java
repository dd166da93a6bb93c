package io.cutover.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.ConnectionSwitcher;
import io.cutover.Cutover;
import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.ReplicationLink;
import io.cutover.ReplicationStream;
import io.cutover.Side;
import org.junit.jupiter.api.Test;

/** {@link FakeReplicationLink#finish} behaves as the real links do, with a real {@link Cutover}. */
class FakeFinishTest {
    private final FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
    private final ConnectionSwitcher switcher = ConnectionSwitcher.between(RecordingDataSource.named("blue"),
            RecordingDataSource.named("green"));

    private ReplicationLink cutOver() {
        link.stream().start();
        Cutover cutover = Cutover.builder().name("orders").switcher(switcher).link(link).build();
        cutover.execute();
        return cutover.reverseLink().orElseThrow();
    }

    @Test
    void finish_onTheReverseLink_keepsBlueGuarded_byDefault() {
        ReplicationLink reverse = cutOver();

        FinishReport report = reverse.finish();

        assertThat(report.removedFrom(Side.GREEN)).containsExactly("fake capture green->blue");
        assertThat(report.removedFrom(Side.BLUE)).isEmpty();
        assertThat(report.leftInPlace()).containsExactly("blue: guard (FinishOptions.makeOldSideWritable(true) lifts it)");
        assertThat(link.guard(Side.BLUE).engaged()).isTrue();
        assertThat(reverse.stream().state()).isEqualTo(ReplicationStream.State.CLOSED);
        assertThat(link.journal()).endsWith("link green -> blue closed", "finished green -> blue");
    }

    @Test
    void finish_liftsBluesGuard_whenAsked_andASecondFinishRemovesNothing() {
        ReplicationLink reverse = cutOver();

        FinishReport report = reverse.finish(FinishOptions.builder().makeOldSideWritable(true).build());

        assertThat(report.removedFrom(Side.BLUE)).containsExactly("guard");
        assertThat(report.leftInPlace()).isEmpty();
        assertThat(link.guard(Side.BLUE).engaged()).isFalse();
        assertThat(reverse.finish().isEmpty()).isTrue();
    }

    @Test
    void finish_onTheForwardLinkAfterACutover_refuses_andNamesTheReverseLink() {
        ReplicationLink reverse = cutOver();

        assertThatThrownBy(link::finish).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it is closed").hasMessageContaining(reverse.toString())
                .hasMessageContaining("cutover.reverseLink()");
        assertThat(reverse.stream().state()).isEqualTo(ReplicationStream.State.STREAMING);
    }

    @Test
    void finish_onTheForwardLinkBeforeACutover_abandonsTheMigration() {
        link.stream().start();

        FinishReport report = link.finish();

        assertThat(report.removedFrom(Side.BLUE)).containsExactly("fake capture blue->green");
        assertThat(report.leftInPlace()).isEmpty();
        assertThat(link.isClosed()).isTrue();
        assertThat(link.finish().isEmpty()).isTrue();
    }

    @Test
    void finish_whileAPreparedReverseIsOpen_refuses() {
        ReplicationLink reverse = link.prepareReverse();
        assertThatThrownBy(link::finish).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("running or has flipped");
        assertThat(link.isClosed()).isFalse();
        reverse.close();
        assertThat(link.finish().isEmpty()).isFalse();
    }

    @Test
    void finish_rejectsNullOptions() {
        assertThatThrownBy(() -> link.finish(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("options");
    }
}
