package io.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgStaleOffsetTest {

    @Test
    void storedLsn_isTheFurthestPositionTheOffsetNames() {
        assertThat(PgStaleOffset.storedLsn("{\"transaction_id\":null,\"lsn_proc\":24017312,\"messageType\":\"INSERT\","
                + "\"lsn_commit\":24017200,\"lsn\":24017312,\"txId\":770,\"ts_usec\":1764892800000000}")).isEqualTo(24017312L);
        assertThat(PgStaleOffset.storedLsn("{\"lsn_commit\":99, \"lsn\" : 42}")).isEqualTo(99L);
    }

    @Test
    void storedLsn_isZero_whenTheOffsetNamesNoPosition() {
        assertThat(PgStaleOffset.storedLsn("started")).isZero();
        assertThat(PgStaleOffset.storedLsn("{\"ts_usec\":1764892800000000,\"txId\":12}")).isZero();
        assertThat(PgStaleOffset.storedLsn(null)).isZero();
        assertThat(PgStaleOffset.storedLsn("{\"lsn\":99999999999999999999999}")).as("not a long").isZero();
    }
}
