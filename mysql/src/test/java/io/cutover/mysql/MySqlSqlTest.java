package io.cutover.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MySqlSqlTest {

    @Test
    void upsert_updatesNonKeyColumnsWithValuesFunction() {
        assertThat(MySqlSql.upsert("shop", "orders", List.of("id", "total", "note"), List.of("id")))
                .isEqualTo("INSERT INTO `shop`.`orders` (`id`, `total`, `note`) VALUES (?, ?, ?)"
                        + " ON DUPLICATE KEY UPDATE `total` = VALUES(`total`), `note` = VALUES(`note`)");
    }

    @Test
    void upsert_ofAnAllKeyTable_isStillValid() {
        assertThat(MySqlSql.upsert("s", "link", List.of("a", "b"), List.of("a", "b")))
                .endsWith("ON DUPLICATE KEY UPDATE `a` = VALUES(`a`)");
    }

    @Test
    void upsert_rejectsKeyOutsideColumns() {
        assertThatThrownBy(() -> MySqlSql.upsert("s", "t", List.of("a"), List.of("id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[id]");
    }

    @Test
    void delete_matchesEveryKeyColumn() {
        assertThat(MySqlSql.delete("s", "t", List.of("a", "b")))
                .isEqualTo("DELETE FROM `s`.`t` WHERE `a` = ? AND `b` = ?");
    }

    @Test
    void quote_doublesBackticks() {
        assertThat(MySqlSql.quote("we`ird")).isEqualTo("`we``ird`");
    }

    @Test
    void flavour_isTakenFromTheVersionString() {
        assertThat(Flavour.fromVersion("11.4.5-MariaDB-log")).isEqualTo(Flavour.MARIADB);
        assertThat(Flavour.fromVersion("5.5.5-10.11.6-MariaDB-1:10.11.6+maria~ubu2204")).isEqualTo(Flavour.MARIADB);
        assertThat(Flavour.fromVersion("8.4.3")).isEqualTo(Flavour.MYSQL);
        assertThat(Flavour.fromVersion("8.0.39-0ubuntu0.22.04.1")).isEqualTo(Flavour.MYSQL);
    }
}
