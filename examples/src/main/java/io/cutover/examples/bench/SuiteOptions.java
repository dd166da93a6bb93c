package io.cutover.examples.bench;

import java.util.List;

/**
 * What the benchmark command runs and how big: {@code --only switcher|replication}, {@code --quick},
 * {@code --rows N}, {@code --changes K}, {@code --rounds R}, {@code --cutovers C}, {@code --probes P},
 * {@code --rate TX_PER_S}.
 */
record SuiteOptions(boolean switcher, boolean replication, boolean quick, long rows, int changes, int rounds,
        int cutovers, int probes, int rate) {

    static SuiteOptions parse(List<String> args) {
        boolean quick = args.contains("--quick");
        String only = value(args, "--only", "all");
        if (!List.of("all", "switcher", "replication").contains(only)) {
            throw new IllegalArgumentException("--only must be switcher or replication, was " + only);
        }
        return new SuiteOptions(!only.equals("replication"), !only.equals("switcher"), quick,
                Long.parseLong(value(args, "--rows", quick ? "60000" : "600000")),
                Integer.parseInt(value(args, "--changes", quick ? "10000" : "100000")),
                Integer.parseInt(value(args, "--rounds", quick ? "1" : "3")),
                Integer.parseInt(value(args, "--cutovers", quick ? "4" : "30")),
                Integer.parseInt(value(args, "--probes", quick ? "30" : "200")),
                Integer.parseInt(value(args, "--rate", "500")));
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
