package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BinlogGapCheckTest {

    @Test
    void fileOf_readsTheFileOfADebeziumOffset() {
        assertThat(BinlogGapCheck.fileOf("{\"ts_sec\":1733300000,\"file\":\"binlog.000003\",\"pos\":3786,"
                + "\"gtids\":\"0-501-16\",\"row\":1,\"event\":2}")).contains("binlog.000003");
    }

    @Test
    void fileOf_toleratesSpacesAndEscapes() {
        assertThat(BinlogGapCheck.fileOf("{ \"pos\" : 4, \"file\" : \"my\\\"bin.000001\" }")).contains("my\"bin.000001");
    }

    @Test
    void fileOf_isEmptyForAValueNamingNoFile() {
        assertThat(BinlogGapCheck.fileOf(null)).isEmpty();
        assertThat(BinlogGapCheck.fileOf("started")).isEmpty();
        assertThat(BinlogGapCheck.fileOf("{\"pos\":4}")).isEmpty();
        assertThat(BinlogGapCheck.fileOf("{\"file\":\"\",\"pos\":4}")).isEmpty();
    }

    @Test
    void fileOf_doesNotTakeAnotherKeyEndingInFile() {
        assertThat(BinlogGapCheck.fileOf("{\"snapshot_file\":\"x.000001\",\"file\":\"binlog.000007\"}"))
                .contains("binlog.000007");
    }

    @Test
    void message_namesBothFilesAndHowToStartOver() {
        String m = BinlogGapCheck.message("o'brien_blue_to_green", "binlog.000001", List.of("binlog.000004", "binlog.000005"),
                "cutover@db1:3306/shop", "blue", "cutover@db2:3306/shop", "green");
        assertThat(m).contains("resumes in binlog file binlog.000001")
                .contains("the oldest binlog file still on blue is binlog.000004")
                .contains("cannot be streamed")
                .contains("DELETE FROM cutover_offsets WHERE stream = 'o''brien_blue_to_green'")
                .contains("initialCopy(true)");
    }

    @Test
    void message_saysWhenTheSourceListsNoBinlogAtAll() {
        assertThat(BinlogGapCheck.message("s", "binlog.000001", List.of(), "a", "blue", "b", "green"))
                .contains("blue lists no binlog file at all");
    }
}
