package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class CopyLedgerTest {

    private final H2Target target = new H2Target();

    @Test
    void recorded_isEmptyOnATargetWithoutTheTable() throws SQLException {
        assertThat(new CopyLedger(target.dataSource, "orders").recorded()).isEmpty();
    }

    @Test
    void record_keepsEachTableWithWhetherItWasEmpty() throws SQLException {
        CopyLedger ledger = new CopyLedger(target.dataSource, "orders");

        ledger.record("customers", true);
        ledger.record("orders", false);

        assertThat(ledger.recorded()).containsOnly(entry("customers", true), entry("orders", false));
    }

    @Test
    void record_keepsTheFirstRecordOfATable() throws SQLException {
        CopyLedger ledger = new CopyLedger(target.dataSource, "orders");

        ledger.record("customers", true);
        // The copy wrote rows meanwhile: the second look finds them, but the table was empty before the copy.
        ledger.record("customers", false);

        assertThat(ledger.recorded()).containsOnly(entry("customers", true));
    }

    @Test
    void forget_dropsOnlyItsOwnStream() throws SQLException {
        CopyLedger forward = new CopyLedger(target.dataSource, "a_blue_to_green");
        CopyLedger other = new CopyLedger(target.dataSource, "b_blue_to_green");
        forward.record("customers", true);
        other.record("customers", false);

        forward.forget();

        assertThat(forward.recorded()).isEmpty();
        assertThat(other.recorded()).containsOnly(entry("customers", false));
    }

    @Test
    void record_isDurableAcrossConnections() throws SQLException {
        new CopyLedger(target.dataSource, "orders").record("customers", true);

        assertThat(target.queryOne("SELECT was_empty FROM " + CopyLedger.NAME + " WHERE stream = 'orders'")).isEqualTo(true);
        assertThat(new CopyLedger(target.dataSource, "orders").recorded()).containsOnly(entry("customers", true));
    }
}
