package io.cutover.mysql;

import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.connector.mysql.antlr.MySqlAntlrDdlParser;
import io.debezium.relational.Tables;
import io.debezium.relational.ddl.DdlParser;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a few representative statements with the connector's DDL parser on a background thread,
 * once per flavour and JVM, while a stream's initial copy (or its engine's start) runs.
 *
 * <p>Why: the connector rebuilds its schema history with that ANTLR parser when it starts after a
 * bulk copy ({@code snapshot.mode=recovery}), and its first parse in a JVM fills ANTLR's shared
 * decision caches: measured 2.3 s for the first two statements and 0.06–0.08 s for the same two
 * again, on a loaded 2-core machine (1.4 s of a 1.7 s schema recovery in the MariaDB benchmark).
 * The caches are static and shared by every parser of the class, so a parse done earlier on
 * another thread takes that cost off the stream's path. Failures only cost the overlap: they are
 * logged at DEBUG. Thread-safe.
 */
final class DdlParserWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(DdlParserWarmUp.class);

    // What a schema recovery parses: drops, database statements, and tables of common types.
    private static final String[] STATEMENTS = {
        "DROP TABLE IF EXISTS `cutover_warm`.`t`",
        "DROP DATABASE IF EXISTS `cutover_warm`",
        "CREATE DATABASE `cutover_warm` CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "USE `cutover_warm`",
        "CREATE TABLE `t` (`id` bigint(20) unsigned NOT NULL AUTO_INCREMENT, `k` int(11) NOT NULL DEFAULT 0,"
                + " `s` smallint(6) DEFAULT NULL, `v` varchar(80) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,"
                + " `c` char(3) DEFAULT 'x', `d` decimal(12,2) DEFAULT NULL, `f` double DEFAULT NULL,"
                + " `at` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),"
                + " `dt` datetime DEFAULT NULL, `dd` date DEFAULT NULL, `tm` time(3) DEFAULT NULL,"
                + " `e` enum('a','b') DEFAULT NULL, `txt` text DEFAULT NULL, `b` blob DEFAULT NULL,"
                + " `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),"
                + " PRIMARY KEY (`id`), UNIQUE KEY `uk` (`v`), KEY `ix` (`k`,`at`),"
                + " CONSTRAINT `fk` FOREIGN KEY (`k`) REFERENCES `p` (`id`) ON DELETE CASCADE"
                + ") ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    };

    private static final Set<Flavour> STARTED = EnumSet.noneOf(Flavour.class); // guarded by itself

    private DdlParserWarmUp() {
    }

    /**
     * Starts the warm-up for a flavour on a daemon thread, unless it ran already in this JVM.
     *
     * @param flavour the source's flavour
     */
    static void start(Flavour flavour) {
        synchronized (STARTED) {
            if (!STARTED.add(flavour)) {
                return;
            }
        }
        Thread t = new Thread(() -> run(flavour), "cutover-ddl-parser-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void run(Flavour flavour) {
        long t0 = System.nanoTime();
        DdlParser parser;
        try {
            parser = flavour == Flavour.MARIADB ? new MariaDbAntlrDdlParser() : new MySqlAntlrDdlParser();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("{} DDL parser warm-up failed (the connector's first parse pays it instead): {}", flavour, e.toString());
            return;
        }
        Tables tables = new Tables();
        int failed = 0;
        for (String sql : STATEMENTS) {
            try {
                parser.parse(sql, tables);
            } catch (RuntimeException e) {
                // A parser built without the connector's charset registry fails on charset
                // clauses after ANTLR has parsed them, which is the part that warms up.
                failed++;
                LOG.trace("warm-up statement refused: {}", e.toString());
            }
        }
        LOG.debug("{} DDL parser warmed up in {} ms ({} of {} statements refused)", flavour,
                (System.nanoTime() - t0) / 1_000_000, failed, STATEMENTS.length);
    }
}
