package io.cutover.examples.bench;

import java.util.List;

/**
 * What the benchmark command runs and how big: {@code --only switcher|replication|postgres|pgdrain|mariadb}
 * (default all; {@code pgdrain} is the PostgreSQL backlog drain alone, green seeded like blue, after two
 * unreported warm-up rounds; {@code pgflips} is the PostgreSQL write pause at the flip alone), {@code --quick}, {@code --rows N}, {@code --changes K}, {@code --rounds R},
 * {@code --cutovers C}, {@code --probes P}, {@code --rate TX_PER_S}, {@code --mariadb-rows N},
 * {@code --mariadb-changes K}. {@code --only tpcb} runs the TPC-B sustained-apply and pause benchmark alone (not part
 * of "all"), sized by {@code --scale S --writers W --seconds T}; there {@code --cutovers} defaults to 20 (3 quick)
 * and {@code --rounds} to 2 (1 quick). {@code --only fleet} is the fleet's pause ({@link FleetPauseBench}:
 * {@code --cutovers} per fleet size, at least 20 unless {@code --quick}, {@code --rate} in total; not part of "all").
 * {@code --baseline} with {@code pgflips}: every other flip sets up the reverse wholly inside the pause (the
 * behaviour before), {@code --cutovers} of each, alternating in one run. {@code --only pgdrain2} drains one
 * backlog with one stream, two streams on disjoint tables and natively, alternating ({@link PgDrain2Bench}; not
 * part of "all").
 */
record SuiteOptions(boolean switcher, boolean postgres, boolean pgDrainOnly, boolean mariadb, boolean quick, long rows, int changes,
        int rounds, int cutovers, int probes, int rate, long mariadbRows, int mariadbChanges, boolean tpcb, int scale,
        int writers, int seconds, boolean pgFlipsOnly, boolean fleet, boolean baseline, boolean pgDrain2) {

    static SuiteOptions parse(List<String> args) {
        boolean quick = args.contains("--quick");
        String only = value(args, "--only", "all");
        if (!List.of("all", "switcher", "replication", "postgres", "pgdrain", "mariadb", "tpcb", "pgflips", "fleet", "pgdrain2").contains(only)) {
            throw new IllegalArgumentException("--only must be switcher, replication, postgres, pgdrain, pgdrain2, pgflips, mariadb, tpcb or fleet, was "
                    + only);
        }
        boolean all = only.equals("all");
        boolean replication = all || only.equals("replication");
        boolean pgDrain = only.equals("pgdrain");
        boolean tpcb = only.equals("tpcb");
        boolean pgFlips = only.equals("pgflips");
        return new SuiteOptions(all || only.equals("switcher"), replication || only.equals("postgres") || pgDrain || pgFlips, pgDrain,
                replication || only.equals("mariadb"), quick,
                Long.parseLong(value(args, "--rows", quick ? "60000" : "1000000")),
                Integer.parseInt(value(args, "--changes", quick ? "10000" : "100000")),
                Integer.parseInt(value(args, "--rounds", quick ? "1" : tpcb ? "2" : "3")),
                Integer.parseInt(value(args, "--cutovers", tpcb ? (quick ? "3" : "20") : quick ? "4" : "30")),
                Integer.parseInt(value(args, "--probes", quick ? "30" : "200")),
                Integer.parseInt(value(args, "--rate", "500")),
                Long.parseLong(value(args, "--mariadb-rows", quick ? "30000" : "300000")),
                Integer.parseInt(value(args, "--mariadb-changes", quick ? "3000" : "20000")),
                tpcb, Integer.parseInt(value(args, "--scale", quick ? "1" : "5")),
                Integer.parseInt(value(args, "--writers", quick ? "2" : "8")),
                Integer.parseInt(value(args, "--seconds", quick ? "10" : "60")), pgFlips, only.equals("fleet"),
                args.contains("--baseline"), only.equals("pgdrain2"));
    }

    private static String value(List<String> args, String flag, String dflt) {
        int i = args.indexOf(flag);
        if (i < 0) {
            return dflt;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i + 1);
    }
}
