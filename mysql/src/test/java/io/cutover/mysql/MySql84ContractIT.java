package io.cutover.mysql;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The link contract on MySQL 8.4.3; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class MySql84ContractIT extends MySqlContainerContract {
    private static MySqlPair pair;

    @BeforeAll
    static void servers() {
        pair = MySqlPair.start("mysql:8.4.3");
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Override
    MySqlPair pair() {
        return pair;
    }
}
