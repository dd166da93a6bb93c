package io.cutover.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cutover.WritePauser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceReportTest {

    private static final InstanceReport MEMBER = new InstanceReport("instance-2", 4242, 1234, 600, 1,
            List.of(Duration.ofNanos(12_345_678), Duration.ofNanos(9_870_000)), 31);

    @Test
    void line_isParsedBackToTheSameReport() {
        assertThat(MEMBER.line()).isEqualTo("STOPPED 1234 600 1 31 12345678,9870000");
        assertThat(InstanceReport.parse("instance-2", 4242, MEMBER.line())).isEqualTo(MEMBER);
        InstanceReport none = new InstanceReport("instance-1", 7, 0, 0, 0, List.of(), 0);
        assertThat(InstanceReport.parse("instance-1", 7, none.line())).isEqualTo(none);
    }

    @Test
    void parse_rejectsAnotherLine_namingTheInstance() {
        assertThatThrownBy(() -> InstanceReport.parse("instance-3", 1, "READY blue"))
                .hasMessageContaining("instance-3 answered 'READY blue'");
        assertThatThrownBy(() -> InstanceReport.parse("instance-3", 1, "STOPPED 1 2 x 4 -")).hasMessageContaining("not a number");
    }

    @Test
    void longestPause_andPausesText_inMilliseconds() {
        assertThat(MEMBER.longestPause()).isEqualTo(Duration.ofNanos(12_345_678));
        assertThat(MEMBER.pausesText()).isEqualTo("12.35, 9.87");
        assertThat(new InstanceReport("i", 1, 0, 0, 0, List.of(), 0).pausesText()).isEqualTo("-");
    }

    @Test
    void consoleTable_hasARowPerInstance_andATotal() {
        InstanceReport coordinator = new InstanceReport("instance-0", 100, 2000, 1000, 0, List.of(Duration.ofMillis(15)), 20);
        String table = InstanceTable.console(List.of(coordinator, MEMBER));
        assertThat(table.lines().filter(l -> l.trim().startsWith("instance-"))).hasSize(2);
        assertThat(table).contains("instance-2", "4242", "1,234", "12.35, 9.87", "15.00");
        assertThat(table.lines().filter(l -> l.trim().startsWith("all")).findFirst()).hasValueSatisfying(l ->
                assertThat(l).contains("3,234", "1,600"));
        assertThat(InstanceTable.console(List.of(coordinator))).doesNotContain("all ");
    }

    @Test
    void htmlTable_hasARowPerInstance_markingTheCoordinator() {
        InstanceReport coordinator = new InstanceReport("instance-0", 100, 2000, 1000, 0, List.of(Duration.ofMillis(15)), 20);
        String html = InstanceTable.html(List.of(coordinator, MEMBER));
        assertThat(html.split("<tr>", -1)).hasSize(4); // header + two rows
        assertThat(html).contains("<td>instance-0 (coordinator)</td>", "<td>instance-2</td>", "<td>12.35, 9.87</td>",
                "<td>12.35</td>");
    }

    @Test
    void timedPauser_timesEachPauseUntilItsResume_andNotAFailedDrain() throws Exception {
        TimedPauser pauser = new TimedPauser(WritePauser.builder().maxWaitWhilePaused(Duration.ofMillis(50)).build());
        pauser.pause(Duration.ofMillis(100));
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 20_000_000L) {
            Thread.onSpinWait();
        }
        pauser.resume();
        try (WritePauser.Lease held = pauser.enter()) {
            assertThat(pauser.tryPause(Duration.ofMillis(20))).isFalse(); // a lease in flight: not drained
        }
        assertThat(pauser.pauses()).hasSize(1);
        assertThat(pauser.pauses().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
    }

    @Test
    void userModel_writtenByAMember_isReadBackAndMerged(@TempDir Path dir) throws Exception {
        UserModel member = new UserModel();
        member.put(new User(2_000_000_001L, "Ada Lovelace", "ada.2000000001@example.com"));
        member.put(new User(2_000_000_002L, "Alan Turing", "alan.2000000002+v3@example.com"));
        member.markUncertain(2_000_000_003L);
        Path file = dir.resolve("m.model");
        member.writeTo(file);
        UserModel own = new UserModel();
        own.put(new User(1, "Grace Hopper", "grace.1@example.com"));

        UserModel all = new UserModel();
        all.addAll(own);
        all.addAll(UserModel.readFrom(file));

        assertThat(all.sorted()).extracting(User::id).containsExactly(1L, 2_000_000_001L, 2_000_000_002L);
        assertThat(all.sorted().get(2).email()).isEqualTo("alan.2000000002+v3@example.com");
        assertThat(all.uncertain()).containsExactly(2_000_000_003L);
    }
}
