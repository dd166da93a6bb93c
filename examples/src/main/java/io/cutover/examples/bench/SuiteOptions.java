package io.cutover.examples.bench;

import java.util.List;

/**
 * What the benchmark command runs and how big: {@code --only switcher|replication|postgres|pgdrain|mariadb}
 * (default all; {@code pgdrain} is the PostgreSQL backlog drain alone, green seeded like blue, after two
 * unreported warm-up rounds), {@code --quick}, {@code --rows N}, {@code --changes K}, {@code --rounds R},
 * {@code --cutovers C}, {@code --probes P}, {@code --rate TX_PER_S}, {@code --mariadb-rows N},
 * {@code --mariadb-changes K}; {@code --only fleet} is the fleet's pause ({@link FleetPauseBench}: {@code --cutovers}
 * per fleet size, at least 20 unless {@code --quick}, {@code --rate} in total).
 */
record SuiteOptions(boolean switcher, boolean postgres, boolean pgDrainOnly, boolean mariadb, boolean quick, long rows, int changes,
        int rounds, int cutovers, int probes, int rate, long mariadbRows, int mariadbChanges, boolean fleet) {

    static SuiteOptions parse(List<String> args) {
        boolean quick = args.contains("--quick");
        String only = value(args, "--only", "all");
        if (!List.of("all", "switcher", "replication", "postgres", "pgdrain", "mariadb", "fleet").contains(only)) {
            throw new IllegalArgumentException("--only must be switcher, replication, postgres, pgdrain, mariadb or fleet, was "
                    + only);
        }
        boolean all = only.equals("all");
        boolean replication = all || only.equals("replication");
        boolean pgDrain = only.equals("pgdrain");
        return new SuiteOptions(all || only.equals("switcher"), replication || only.equals("postgres") || pgDrain, pgDrain,
                replication || only.equals("mariadb"), quick,
                Long.parseLong(value(args, "--rows", quick ? "60000" : "1000000")),
                Integer.parseInt(value(args, "--changes", quick ? "10000" : "100000")),
                Integer.parseInt(value(args, "--rounds", quick ? "1" : "3")),
                Integer.parseInt(value(args, "--cutovers", quick ? "4" : "30")),
                Integer.parseInt(value(args, "--probes", quick ? "30" : "200")),
                Integer.parseInt(value(args, "--rate", "500")),
                Long.parseLong(value(args, "--mariadb-rows", quick ? "30000" : "300000")),
                Integer.parseInt(value(args, "--mariadb-changes", quick ? "3000" : "20000")),
                all || only.equals("fleet"));
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
